"""The projects API: the same rules as the services, in the one error shape."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.lineage.testing import bare_record
from ensemble.projects import services
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db


def test_a_project_and_a_call_through_the_api(alice_client):
    client = Client()  # anonymous, beside alice's
    response = post_json(
        alice_client, "/api/v1/projects", {"title": "Turnip Head", "stages": ["Writing", "Score"]}
    )
    assert response.status_code == 201, response.content
    assert client.get("/api/v1/projects/turnip-head").status_code == 404  # a draft
    alice_client.patch(
        "/api/v1/projects/turnip-head", '{"status": "open"}', content_type="application/json"
    )
    assert client.get("/api/v1/projects/turnip-head").json()["stages"][1]["name"] == "Score"
    deadline = (timezone.now() + timedelta(days=7)).isoformat()
    response = post_json(
        alice_client,
        "/api/v1/projects/turnip-head/calls",
        {
            "title": "Score",
            "brief": "Follow the reading.",
            "deadline": deadline,
            "accepted_kinds": ["audio"],
            "stage": 1,
        },
    )
    assert response.status_code == 201, response.content
    call = response.json()
    assert (call["accepted_kinds"], call["accepts_entries"]) == (["audio"], True)
    listed = client.get("/api/v1/calls?status=open&kind=audio").json()["items"]
    assert [c["id"] for c in listed] == [call["id"]]
    assert client.get("/api/v1/calls?kind=image").json()["items"] == []


def test_a_deadline_without_a_time_zone_is_refused(alice, alice_client):
    project = make_project(alice)
    naive = (timezone.now() + timedelta(days=1)).replace(tzinfo=None).isoformat()
    response = post_json(
        alice_client,
        f"/api/v1/projects/{project.slug}/calls",
        {"title": "x", "brief": "y", "deadline": naive},
    )
    assert_error(response, 422, "invalid")


def test_entries_decisions_and_scores_through_the_api(alice, bob, alice_client):
    client = Client()  # bob's, beside alice's
    call = make_call(make_project(alice), accepted_kinds=["image"])
    drawing = bare_record(bob, kind="image", title="Turnip 1")
    client.force_login(bob)
    response = post_json(client, f"/api/v1/calls/{call.pk}/entries", {"record_id": drawing.pk})
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    assert_error(
        post_json(client, f"/api/v1/calls/{call.pk}/entries", {"record_id": drawing.pk}),
        409,
        "duplicate_entry",
    )
    audio = bare_record(bob, kind="audio")
    assert_error(
        post_json(client, f"/api/v1/calls/{call.pk}/entries", {"record_id": audio.pk}),
        422,
        "kind_not_accepted",
    )
    assert_error(
        post_json(client, f"/api/v1/entries/{entry_id}/decision", {"state": "selected"}),
        403,
        "forbidden",
    )

    response = post_json(
        alice_client,
        f"/api/v1/entries/{entry_id}/decision",
        {"state": "shortlisted", "note": "Great collar."},
    )
    assert response.json()["state"] == "shortlisted"
    response = post_json(alice_client, f"/api/v1/entries/{entry_id}/scores", {"value": 4})
    assert (response.json()["score_count"], response.json()["score_mean"]) == (1, 4.0)
    assert_error(
        post_json(alice_client, f"/api/v1/entries/{entry_id}/scores", {"value": 9}), 422, "invalid"
    )
    assert_error(
        post_json(alice_client, f"/api/v1/entries/{entry_id}/decision", {"state": "withdrawn"}),
        422,
        "invalid",
    )


def test_entries_of_a_sealed_call_and_blind_names_do_not_leak(alice, bob, carol, client):
    call = make_call(make_project(alice), sealed=True, blind_review=True)
    services.submit_entry(call, by=bob, record=bare_record(bob, kind="image"))
    path = f"/api/v1/calls/{call.pk}/entries"
    assert client.get(path).json()["items"] == []
    client.force_login(carol)
    assert client.get(path).json()["items"] == []
    client.force_login(bob)
    assert client.get(path).json()["items"][0]["entrant"] == "bob"
    client.force_login(alice)
    assert client.get(path).json()["items"][0]["entrant"] is None  # blind review


def test_entry_pages_cost_the_same_queries_for_5_or_50_entries(alice, client):
    from ensemble.accounts.testing import make_user

    call = make_call(make_project(alice), max_entries_per_person=100)
    client.force_login(alice)
    entrant = make_user("painter")

    def enter(n):
        for _ in range(n):
            services.submit_entry(call, by=entrant, record=bare_record(entrant, kind="image"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/calls/{call.pk}/entries").status_code == 200
        return len(captured)

    enter(5)
    few = queries()
    enter(45)
    assert queries() == few


def test_updates_stages_and_resources_through_the_api(alice, alice_client):
    from ensemble.records.testing import make_record

    project = make_project(alice)
    base = f"/api/v1/projects/{project.slug}"
    assert post_json(alice_client, f"{base}/updates", {"body": "We begin!"}).status_code == 201
    assert Client().get(f"{base}/updates").json()[0]["body"] == "We begin!"
    response = alice_client.patch(
        f"{base}/stages/0", '{"state": "active"}', content_type="application/json"
    )
    assert response.json()["state"] == "active"
    assert_error(
        alice_client.patch(
            f"{base}/stages/99", '{"state": "done"}', content_type="application/json"
        ),
        404,
        "not_found",
    )
    poem = make_record(alice, text="A turnip for a head.", title="Poem", publish=True)
    assert post_json(alice_client, f"{base}/resources", {"record_id": poem.pk}).status_code == 201
    assert [r["title"] for r in Client().get(f"{base}/resources").json()] == ["Poem"]
    assert alice_client.delete(f"{base}/resources/{poem.pk}").status_code == 204
