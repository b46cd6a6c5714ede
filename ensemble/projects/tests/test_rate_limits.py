"""Floods of entries, uploads into calls and project updates: each has a limit per
member and per address; over it, 429 with Retry-After on the page and in the API, and
nothing is kept."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error, post_json
from ensemble.lineage.testing import bare_record
from ensemble.projects.models import Entry, StatusUpdate
from ensemble.projects.testing import make_call, make_project

pytestmark = pytest.mark.django_db


def _limit(settings, kind, member=1):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, kind: (member, 3600), f"{kind}_ip": (50, 3600)}


def test_entries_over_the_limit_are_refused(alice, bob, carol, settings, rate_clock):
    _limit(settings, "entry")
    call = make_call(make_project(alice), accepted_kinds=["image"])
    drawings = [bare_record(bob, kind="image", title=f"Turnip {i}") for i in range(3)]
    client = Client()
    client.force_login(bob)
    first = post_json(client, f"/api/v1/calls/{call.pk}/entries", {"record_id": drawings[0].pk})
    assert first.status_code == 201
    api = post_json(client, f"/api/v1/calls/{call.pk}/entries", {"record_id": drawings[1].pk})
    assert_error(api, 429, "rate_limited")
    page = client.post(f"/calls/{call.pk}/enter", {"record": drawings[1].pk})
    assert (page.status_code, int(page["Retry-After"]) > 0) == (429, True)
    upload = client.post(f"/api/v1/calls/{call.pk}/uploads", {"text": "hi"})
    assert upload.status_code != 429  # uploads into calls are `upload`s, counted apart
    assert Entry.objects.count() == 1
    rate_clock.advance(3600)
    page = client.post(f"/calls/{call.pk}/enter", {"record": drawings[1].pk})
    assert page.status_code == 302
    assert Entry.objects.count() == 2


def test_uploads_into_a_call_over_the_limit_are_refused(alice, bob, settings):
    _limit(settings, "upload")
    call = make_call(make_project(alice), accepted_kinds=["text"])
    client = Client()
    client.force_login(bob)
    first = client.post(f"/api/v1/calls/{call.pk}/uploads", {"title": "First", "text": "First"})
    assert first.status_code == 202, first.content
    api = client.post(f"/api/v1/calls/{call.pk}/uploads", {"title": "Second", "text": "Second"})
    assert_error(api, 429, "rate_limited")
    page = client.post(f"/calls/{call.pk}/upload", {"title": "Third", "body": "Third"})
    assert page.status_code == 429
    assert bob.records.count() == 1


def test_project_updates_over_the_limit_are_refused(alice, settings):
    _limit(settings, "update")
    project = make_project(alice)
    client = Client()
    client.force_login(alice)
    base = f"/api/v1/projects/{project.slug}/updates"
    assert post_json(client, base, {"body": "We begin!"}).status_code == 201
    assert_error(post_json(client, base, {"body": "Again"}), 429, "rate_limited")
    page = client.post(f"/projects/{project.slug}/updates", {"body": "And again"})
    assert page.status_code == 429
    assert StatusUpdate.objects.count() == 1
