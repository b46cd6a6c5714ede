"""Ids past what a database integer holds are a 404 or a 422, never a 500, in the API
(the pages: test_ids.py).

Every operation is found in the OpenAPI description, so an operation added later is
covered without touching this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from ensemble.accounts.testing import make_user
from ensemble.api import api
from ensemble.community.services import lists
from ensemble.core.ids import MAX_ID
from ensemble.core.testing import rows_for_the_module
from ensemble.payments.testing import released_production

HUGE = [2**63, 2**64]  # one past the largest signed 64-bit integer, and far past it
HOSTILE = [*HUGE, -1, 0]

SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _integers(schema: dict[str, Any], where: str, seen: frozenset[str] = frozenset()):
    """(where, schema) of every integer in a parameter's or body's schema, nested too."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _integers(COMPONENTS[name], where, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _integers(option, where, seen)
    if schema.get("type") == "integer":
        yield where, schema
    if schema.get("type") == "array" and "items" in schema:
        yield from _integers(schema["items"], f"{where}[]", seen)
    for name, prop in schema.get("properties", {}).items():
        yield from _integers(prop, f"{where}.{name}" if where else name, seen)
    if isinstance(schema.get("additionalProperties"), dict):  # dict[str, int]
        yield from _integers(schema["additionalProperties"], f"{where}{{}}", seen)


OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
]


def _json_body(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    return (
        _resolve(content["application/json"]["schema"]) if "application/json" in content else None
    )


def test_every_integer_the_api_takes_is_bounded():
    """A new endpoint that takes a bare `int` fails here: use `core.ids.Id` (or `Whole`)."""
    unbounded = []
    for method, path, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            for where, schema in _integers(parameter["schema"], parameter["name"]):
                if schema.get("maximum", MAX_ID + 1) > MAX_ID:
                    unbounded.append(f"{method} {path} {parameter['in']} {where}")
        for content in operation.get("requestBody", {}).get("content", {}).values():
            for where, schema in _integers(content["schema"], ""):
                if schema.get("maximum", MAX_ID + 1) > MAX_ID:
                    unbounded.append(f"{method} {path} body {where}")
    assert unbounded == []


def _targets(operation: dict[str, Any]) -> list[tuple[str, str]]:
    """(place, name) of each integer the operation takes at the top level."""
    targets = []
    for parameter in operation.get("parameters", []):
        if any(True for _ in _integers(parameter["schema"], "")):
            targets.append((parameter["in"], parameter["name"]))
    body = _json_body(operation)
    for name, prop in (body or {}).get("properties", {}).items():
        if any(True for _ in _integers(prop, "")):
            targets.append(("body", name))
    return targets


def _sample(schema: dict[str, Any]) -> Any:
    """A plain valid-looking value of a schema, for the fields a test does not aim at."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        return _sample(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("format") in ("date-time", "date"):
        return "2100-01-01T00:00:00Z"[: 10 if schema["format"] == "date" else None]
    return {"integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}.get(
        schema.get("type"), "x"
    )


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """Real rows of every kind alice may act on, so a lookup by a huge id in one place
    runs after the lookups of the real ids around it. Made once for the module, not for
    each of its ~80 tests: what a test changes is rolled back with its savepoint."""
    with rows_for_the_module(django_db_blocker):
        alice = make_user("alice", display_name="Alice Archer")
        bob = make_user("bob", display_name="Bob Brass")
        made = released_production(alice, bob, make_user("carol"))
        record_list = lists.create(alice, title="Favourites")
        entry = made.project.calls.first().entries.first()
        yield SimpleNamespace(
            alice=alice,
            world={
                "record_id": made.film.pk,
                "call_id": entry.call_id,
                "entry_id": entry.pk,
                "production_id": made.production.pk,
                "list_id": record_list.pk,
                "slug": made.project.slug,
                "username": "alice",
                "position": 1,
            },
        )


@pytest.fixture
def alice(shared, db):
    """The module's alice: the cast's own fixture would make a second one."""
    return shared.alice


@pytest.fixture
def world(shared, db):
    return shared.world


def _is_array(schema: dict[str, Any]) -> bool:
    schema = _resolve(schema)
    return schema.get("type") == "array" or any(_is_array(s) for s in schema.get("anyOf", []))


def _request(client, method, path, operation, world, aim, value):
    """The operation with `value` at `aim` (place, name), real ids and plain values elsewhere."""
    query = {}
    for parameter in operation.get("parameters", []):
        place, name = parameter["in"], parameter["name"]
        if place == "path":
            path = path.replace(
                f"{{{name}}}", str(value if aim == (place, name) else world.get(name, 1))
            )
        elif aim == (place, name):
            query[name] = value
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    schema = _json_body(operation)
    if schema is None:
        return client.generic(method, path)
    properties = schema["properties"]
    body = {name: world.get(name, _sample(properties[name])) for name in schema.get("required", [])}
    if aim[0] == "body":
        body[aim[1]] = [value] if _is_array(properties[aim[1]]) else value
    return client.generic(method, path, json.dumps(body), content_type="application/json")


API_WITH_NUMBERS = [(m, p, o) for m, p, o in OPERATIONS if _targets(o)]


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    API_WITH_NUMBERS,
    ids=[f"{m} {p}" for m, p, _ in API_WITH_NUMBERS],
)
def test_the_api_answers_any_number_without_a_server_error(
    alice_client, world, method, path, operation
):
    for aim in _targets(operation):
        for value in HOSTILE:
            response = _request(alice_client, method, path, operation, world, aim, value)
            assert response.status_code < 500, (aim, value, response.content)
            if value in HUGE:
                assert response.status_code in (404, 422), (aim, value, response.content)


@pytest.mark.parametrize("raw", [str(2**63), f"1,{2**64}", "0", "-1", "1,x"])
def test_ids_in_a_form_field_of_the_api_are_bounded_too(alice_client, world, raw):
    from ensemble.core.testing import image_bytes
    from ensemble.records.testing import upload

    response = alice_client.post(
        f"/api/v1/calls/{world['call_id']}/uploads",
        {"title": "Sketch", "resource_ids": raw, "file": upload(image_bytes(), "a.png")},
    )
    assert response.status_code == 422, response.content
