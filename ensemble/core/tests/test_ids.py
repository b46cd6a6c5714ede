"""Ids past what a database integer holds are a 404 or a 422, never a 500, everywhere.

Every route is found by walking the URL patterns and the OpenAPI description, so a route
added later is covered without touching this file.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from ensemble.api import api
from ensemble.community.services import lists
from ensemble.core.ids import MAX_ID, IdConverter
from ensemble.core.params import ids, whole
from ensemble.payments.testing import released_production

HUGE = [2**63, 2**64]  # one past the largest signed 64-bit integer, and far past it
HOSTILE = [*HUGE, -1, 0]

# ------------------------------------------------------------------ pages


def _page_routes() -> list[tuple[str, dict[str, Any]]]:
    """(route, converters) of every page URL with a number in it (the API excluded)."""
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(patterns: list[Any], prefix: str, converters: dict[str, Any]) -> None:
        for entry in patterns:
            pattern = entry.pattern
            if not isinstance(pattern, RoutePattern):
                continue  # re_path: its own regex, no converters
            route = prefix + str(pattern)
            here = {**converters, **pattern.converters}
            if route.startswith("api/"):
                continue  # answered by ninja: the API half below
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route, here)
            elif isinstance(entry, URLPattern) and any(
                isinstance(c, IntConverter | IdConverter) for c in here.values()
            ):
                found.append((route, here))

    walk(get_resolver().url_patterns, "", {})
    return found


PAGE_ROUTES = _page_routes()


def test_every_number_in_a_page_url_uses_the_id_converter():
    unbounded = [
        route
        for route, convs in PAGE_ROUTES
        if any(isinstance(c, IntConverter) for c in convs.values())
    ]
    assert unbounded == [], "use <id:…>, which refuses numbers past 2**63 - 1"
    assert len(PAGE_ROUTES) > 30  # the walk found the apps' routes


def _page_url(route: str, converters: dict[str, Any], target: str, value: int) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if isinstance(converters[name], IntConverter | IdConverter):
            return str(value if name == target else 1)
        return "accept" if name == "verb" else "x"

    return re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, route)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "converters"), PAGE_ROUTES, ids=[r for r, _ in PAGE_ROUTES])
def test_pages_answer_any_number_in_the_url_without_a_server_error(alice_client, route, converters):
    numbers = [n for n, c in converters.items() if isinstance(c, IntConverter | IdConverter)]
    for target in numbers:
        for value in [*HOSTILE, MAX_ID]:
            url = "/" + _page_url(route, converters, target, value)
            for method in (alice_client.get, alice_client.post):
                response = method(url)
                assert response.status_code < 500, (method, url)
                if value in HUGE or value < 0:
                    assert response.status_code == 404, (method, url)


def test_the_converter_takes_whole_numbers_up_to_the_largest_database_integer():
    converter = IdConverter()
    assert converter.to_python("0") == 0
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    with pytest.raises(ValueError, match="largest database integer"):
        converter.to_python(str(MAX_ID + 1))
    assert not re.fullmatch(converter.regex, "9" * 20)


# ------------------------------------------------------------------ API

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


@pytest.fixture
def world(alice, bob, carol, db):
    """Real rows of every kind alice may act on, so a lookup by a huge id in one place
    runs after the lookups of the real ids around it."""
    made = released_production(alice, bob, carol)
    record_list = lists.create(alice, title="Favourites")
    entry = made.project.calls.first().entries.first()
    return {
        "record_id": made.film.pk,
        "call_id": entry.call_id,
        "entry_id": entry.pk,
        "production_id": made.production.pk,
        "list_id": record_list.pk,
        "slug": made.project.slug,
        "username": "alice",
        "position": 1,
    }


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


def test_numbers_read_by_hand_are_bounded_the_same_way():
    assert (whole(str(MAX_ID)), whole(str(MAX_ID + 1)), whole("0" * 19 + "7")) == (
        MAX_ID,
        None,
        None,
    )
    assert ids(" 3, 5,8,") == [3, 5, 8]
    for raw in ("3,0", f"3,{MAX_ID + 1}", "3,-1", "3,x", "3,²"):
        assert ids(raw) is None, raw
