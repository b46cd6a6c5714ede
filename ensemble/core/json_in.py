"""Request bodies read with JSON's own types, as the OpenAPI description states them.

Pydantic's default ("lax") mode turns `true` into 1, `0` into false, `"5"` into 5 and a
number into a date: the description says `integer`, `boolean`, `string (date)`, and a
client that sends something else has a bug it should hear about. Every JSON body schema
derives from `JsonIn` (a test walks the API to make sure). Choices and dates are the two
places where JSON has no type of its own, so they stay readable from their text.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Strict


class JsonIn(Schema):
    """A JSON request body: each field takes only its own JSON type."""

    model_config = ConfigDict(strict=True)


def _text(value: Any) -> Any:
    # Lax dates also take numbers (seconds since 1970): JSON dates are strings.
    if not isinstance(value, str):
        raise ValueError("Send dates and times as text, e.g. 2026-11-27 or 2026-11-27T18:00Z.")
    return value


# For a choice (a model's TextChoices), read from its value: "text" for Record.Kind.TEXT.
Lax = Strict(False)
JsonDate = Annotated[dt.date, Lax, BeforeValidator(_text)]
JsonDateTime = Annotated[dt.datetime, Lax, BeforeValidator(_text)]
