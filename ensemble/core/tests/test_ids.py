"""Ids past what a database integer holds are a 404 or a 422, never a 500, everywhere:
here the pages and the numbers read by hand (the API: test_ids_api.py).

Every route is found by walking the URL patterns, so a route added later is covered
without touching this file.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from ensemble.core.ids import MAX_ID, IdConverter
from ensemble.core.params import ids, whole

HUGE = [2**63, 2**64]  # one past the largest signed 64-bit integer, and far past it
HOSTILE = [*HUGE, -1, 0]


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


def test_numbers_read_by_hand_are_bounded_the_same_way():
    assert (whole(str(MAX_ID)), whole(str(MAX_ID + 1)), whole("0" * 19 + "7")) == (
        MAX_ID,
        None,
        None,
    )
    assert ids(" 3, 5,8,") == [3, 5, 8]
    for raw in ("3,0", f"3,{MAX_ID + 1}", "3,-1", "3,x", "3,²"):
        assert ids(raw) is None, raw
