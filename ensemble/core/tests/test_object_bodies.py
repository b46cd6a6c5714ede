"""A JSON body must be an object (`core.json_bodies.ObjectBodyParser`): a bare string,
number, boolean, list or null is a 422 that changes nothing, on every endpoint that takes
JSON. `POST /api/v1/lists '"AAA"'` once made a list called "Aaa"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.apps import apps

from ensemble.accounts.testing import make_user
from ensemble.accounts.tests.api_helpers import assert_error
from ensemble.api import api
from ensemble.community.models import RecordList
from ensemble.core.json_bodies import NOT_AN_OBJECT
from ensemble.core.testing import rows_for_the_module
from ensemble.payments.testing import released_production

pytestmark = pytest.mark.django_db

SCHEMA = api.get_openapi_schema()
JSON_OPERATIONS = [
    (method.upper(), path)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
    if "application/json" in operation.get("requestBody", {}).get("content", {})
]
NOT_OBJECTS = ['"AAA"', "5", "1.5", "true", "null", "[]", '[{"title": "x"}]']


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """A released production whose ids fill the paths, made once for the module, not for
    each of its ~35 tests: what a test changes is rolled back with its savepoint."""
    with rows_for_the_module(django_db_blocker):
        alice = make_user("alice", display_name="Alice Archer")
        bob = make_user("bob", display_name="Bob Brass")
        made = released_production(alice, bob, make_user("carol"))
        entry = made.project.calls.first().entries.first()
        yield SimpleNamespace(
            alice=alice,
            ids={
                "record_id": made.film.pk,
                "call_id": entry.call_id,
                "entry_id": entry.pk,
                "production_id": made.production.pk,
                "slug": made.project.slug,
                "username": "alice",
            },
        )


@pytest.fixture
def alice(shared):
    """The module's alice: the cast's own fixture would make a second one."""
    return shared.alice


@pytest.fixture
def ids(shared):
    return shared.ids


def test_there_are_json_endpoints_to_check():
    assert len(JSON_OPERATIONS) > 20
    assert ("POST", "/api/v1/lists") in JSON_OPERATIONS


@pytest.mark.parametrize(
    ("method", "path"), JSON_OPERATIONS, ids=[f"{m} {p}" for m, p in JSON_OPERATIONS]
)
def test_a_body_that_is_not_an_object_is_refused_and_changes_nothing(
    alice_client, ids, method, path
):
    for name, value in ids.items():
        path = path.replace(f"{{{name}}}", str(value))
    path = path.replace("{", "").replace("}", "")  # any other parameter: a plain 1
    before = _row_counts()
    for body in NOT_OBJECTS:
        response = alice_client.generic(method, path, body, content_type="application/json")
        assert response.status_code < 500, (body, response.content)
        if response.status_code not in (404, 405):  # the body is read once the path resolves
            assert response.status_code == 422, (body, response.content)
    assert _row_counts() == before


def test_a_bare_string_makes_no_list(alice_client):
    response = alice_client.post("/api/v1/lists", '"AAA"', content_type="application/json")
    body = assert_error(response, 422, "invalid")
    assert body["detail"] == NOT_AN_OBJECT
    assert not RecordList.objects.exists()
    made = alice_client.post(
        "/api/v1/lists", json.dumps({"title": "Real"}), content_type="application/json"
    )
    assert made.status_code in (200, 201)
    assert list(RecordList.objects.values_list("title", flat=True)) == ["Real"]


def test_malformed_json_is_still_a_400(alice_client):
    assert_error(
        alice_client.post("/api/v1/lists", '{"title": ', content_type="application/json"),
        400,
        "malformed_json",
    )
