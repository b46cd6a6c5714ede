"""JSON bodies are read with JSON's own types: `true` is no number and 0 no boolean.

Schemathesis found `PATCH /calls/{id}` taking `"event_mode": 0`, `PATCH /proposals/{id}`
taking `"editor_share_bp": false` and `PATCH …/sources/{id}` taking `"end_seconds": true`.
"""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from ensemble.accounts.tests.api_helpers import assert_error
from ensemble.api import api
from ensemble.core.json_in import JsonIn
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db


def _models_in(annotation: typing.Any) -> typing.Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _body_schemas() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    waiting = [
        model
        for router in api._get_bound_routers()
        for view in router.path_operations.values()
        for operation in view.operations
        for params in operation.models
        if params.__ninja_param_source__ == "body"
        for field in params.model_fields.values()
        for model in _models_in(field.annotation)
    ]
    while waiting:
        model = waiting.pop()
        if model not in found:
            found.add(model)
            waiting.extend(m for f in model.model_fields.values() for m in _models_in(f.annotation))
    return found


def test_every_json_body_schema_reads_json_types_strictly():
    schemas = _body_schemas()

    lax = sorted(f"{m.__module__}.{m.__name__}" for m in schemas if not issubclass(m, JsonIn))

    assert len(schemas) > 20
    assert lax == []


@pytest.mark.parametrize(
    ("body", "field"),
    [({"event_mode": 0}, "event_mode"), ({"event_mode": "true"}, "event_mode")],
)
def test_a_number_is_no_boolean(alice_client, alice, body, field):
    call = make_call(make_project(alice))

    response = alice_client.patch(f"/api/v1/calls/{call.pk}", body, content_type="application/json")

    body = assert_error(response, 422, "invalid")
    assert [e["field"] for e in body["errors"]] == [field]
    call.refresh_from_db()
    assert call.event_mode is False


def test_a_boolean_is_no_number_and_a_number_no_date(alice_client, alice):
    project = make_project(alice)
    body = {"title": "Score", "brief": "Music.", "deadline": 1, "max_entries_per_person": True}

    response = alice_client.post(
        f"/api/v1/projects/{project.slug}/calls", body, content_type="application/json"
    )

    body = assert_error(response, 422, "invalid")
    assert {e["field"] for e in body["errors"]} == {"deadline", "max_entries_per_person"}
    assert not project.calls.exists()


def test_choices_and_dates_are_still_read_from_their_text(alice_client, alice):
    project = make_project(alice)
    body = {
        "title": "Score",
        "brief": "Music.",
        "deadline": "2030-01-01T12:00:00+00:00",
        "accepted_kinds": ["audio"],
        "sealed": True,
    }

    response = alice_client.post(
        f"/api/v1/projects/{project.slug}/calls", body, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["accepted_kinds"] == ["audio"]
