"""The API for uploads into a call, event mode, and calls filtered by kind."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error
from ensemble.core.testing import image_bytes
from ensemble.lineage.testing import bare_record
from ensemble.projects.models import Entry, EntryUpload
from ensemble.projects.testing import make_call, make_project
from ensemble.records.models import Record
from ensemble.records.testing import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(alice):
    return bare_record(alice, title="The script", kind="text")


@pytest.fixture
def call(alice, resource):
    return make_call(make_project(alice), accepted_kinds=["image"], resources=[resource])


def test_an_upload_through_the_api_is_watched_then_entered(bob, client, call, resource, tasks):
    client.force_login(bob)
    response = client.post(
        f"/api/v1/calls/{call.pk}/uploads",
        {"file": upload(image_bytes(), "turnip.png"), "resource_ids": str(resource.pk)},
    )
    assert response.status_code == 202, response.content
    assert response.json()["record_title"] == "turnip"
    mine = client.get(f"/api/v1/calls/{call.pk}/uploads").json()
    assert [u["state"] for u in mine] == ["uploaded"]
    tasks()
    assert client.get(f"/api/v1/calls/{call.pk}/uploads").json() == []
    entries = client.get(f"/api/v1/calls/{call.pk}/entries").json()["items"]
    assert [e["entrant"] for e in entries] == ["bob"]


def test_bad_api_uploads_are_refused_in_the_error_shape_and_keep_nothing(bob, client, call):
    client.force_login(bob)
    url = f"/api/v1/calls/{call.pk}/uploads"
    assert_error(client.post(url, {}), 422, "invalid")
    both = client.post(url, {"file": upload(image_bytes(), "a.png"), "text": "words"})
    assert_error(both, 422, "invalid")
    assert_error(client.post(url, {"text": "a poem", "title": "Poem"}), 422, "kind_not_accepted")
    bad_ids = client.post(url, {"file": upload(image_bytes(), "a.png"), "resource_ids": "x,1"})
    assert_error(bad_ids, 422, "invalid")
    assert not EntryUpload.objects.exists()
    assert not Record.objects.exclude(title="The script").exists()
    anonymous = Client().post(url, {"text": "x", "title": "x"})
    assert anonymous.status_code == 401, anonymous.content


def test_only_the_entrant_deletes_an_upload(bob, carol, client, call):
    client.force_login(bob)
    made = client.post(f"/api/v1/calls/{call.pk}/uploads", {"file": upload(image_bytes(), "a.png")})
    upload_id = made.json()["id"]
    client.force_login(carol)
    assert client.delete(f"/api/v1/uploads/{upload_id}").status_code == 404
    client.force_login(bob)
    assert client.delete(f"/api/v1/uploads/{upload_id}").status_code == 204
    assert not EntryUpload.objects.exists()
    assert not Entry.objects.exists()


def test_leaders_switch_event_mode_through_the_api(alice, bob, client, call):
    client.force_login(bob)
    refused = client.patch(
        f"/api/v1/calls/{call.pk}", '{"event_mode": true}', content_type="application/json"
    )
    assert_error(refused, 403, "forbidden")
    client.force_login(alice)
    body = client.patch(
        f"/api/v1/calls/{call.pk}", '{"event_mode": true}', content_type="application/json"
    ).json()
    assert body["event_mode"] is True
    assert body["event_url"].endswith(f"/e/{call.event_code}")
    closed = client.patch(
        f"/api/v1/calls/{call.pk}", '{"status": "closed"}', content_type="application/json"
    ).json()
    assert (closed["event_mode"], closed["event_url"]) == (False, None)  # closing ends the show


def test_a_refused_half_of_a_patch_changes_nothing(alice, client):
    draft_call = make_call(make_project(alice, title="Other"), accepted_kinds=[])
    draft_call.project.status = "draft"
    draft_call.project.save()
    client.force_login(alice)
    response = client.patch(
        f"/api/v1/calls/{draft_call.pk}",
        '{"status": "closed", "event_mode": true}',
        content_type="application/json",
    )
    assert response.status_code == 409
    draft_call.refresh_from_db()
    assert draft_call.status == "open"


def test_calls_filtered_by_kind_page_fully(alice, client):
    project = make_project(alice)
    for n in range(5):
        make_call(project, title=f"Audio {n}", accepted_kinds=["audio"])
    takes_images = [
        make_call(project, title=f"Image {n}", accepted_kinds=["image", "text"]) for n in range(3)
    ]
    anything = make_call(project, title="Anything", accepted_kinds=[])
    first = client.get("/api/v1/calls?kind=image&limit=2").json()
    assert len(first["items"]) == 2  # a full page, not a filtered remainder
    rest = client.get(f"/api/v1/calls?kind=image&limit=2&cursor={first['next_cursor']}").json()
    ids = {c["id"] for c in first["items"] + rest["items"]}
    assert ids == {c.pk for c in [*takes_images, anything]}
