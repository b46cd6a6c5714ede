"""Ids (and every other whole number) read from a request fit a database integer.

SQLite stores integers in 64 signed bits: a Python int past 2**63 - 1 raises
`OverflowError` when it is bound to a query, whatever the lookup, so an id of 2**63 in a
URL or a body was a 500. Numbers are bounded where they enter, once:

- pages: the `id` path converter (`<id:record_id>`), registered by `CoreConfig.ready`,
  matches 1 to 19 digits up to `MAX_ID`; anything larger is no URL at all, a 404 from the
  resolver. `core.tests.test_ids` fails for any URL pattern still using `<int:…>`.
- the API: `Id` (1 to `MAX_ID`) for every id in a path, query string or body, `Int64`
  for any other whole number; pydantic answers anything outside with a 422.
  `core.tests.test_ids` fails for any integer the OpenAPI description takes without a
  maximum.
- query strings and forms read by hand: `core.params.whole`.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le

MAX_ID = 2**63 - 1  # the largest signed 64-bit integer: SQLite's and PostgreSQL's bigint

Id = Annotated[int, Ge(1), Le(MAX_ID)]
"""A row's id as the API takes it: out of range is a 422, never a query."""

Int64 = Annotated[int, Ge(-MAX_ID - 1), Le(MAX_ID)]
"""Any other whole number the API stores or looks up (a position, an amount, a weight):
only its size is bounded here, what it means is the service's to check (with its own
message)."""


class IdConverter:
    """`<id:name>`: a whole number a database integer can hold, else no match (404).

    Unlike Django's `<int:…>` it refuses numbers past `MAX_ID` instead of handing them
    to the view, where the first query would raise `OverflowError`.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("past the largest database integer")  # the resolver: no match
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


def register() -> None:
    from django.urls import register_converter
    from django.urls.converters import get_converters

    if "id" not in get_converters():
        register_converter(IdConverter, "id")
