"""The API reads a JSON body only if it is an object.

Every request schema is an object, but ninja hands whatever `json.loads` returns to it,
and a schema built "from attributes" reads fields off any Python value: the body `"AAA"`
made a list titled `"AAA".title()`, "Aaa". `ObjectBodyParser` (the parser of every
`EnsembleAPI`) refuses a string, number, list or null before any schema sees it; the
API answers 422 `invalid` (`core.api`), and malformed JSON stays a 400 `malformed_json`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.params.models import _HttpRequest
from ninja.parser import Parser

NOT_AN_OBJECT = "Send a JSON object as the request body."


class BodyNotAnObject(ValueError):
    """Valid JSON, but not an object: ninja wraps it, `core.api` answers it."""


class ObjectBodyParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        # A view taking files and a schema together has each form field parsed as JSON on
        # a stand-in request: a field may be a plain string there.
        if not isinstance(data, dict) and not isinstance(request, _HttpRequest):
            raise BodyNotAnObject(NOT_AN_OBJECT)
        return data
