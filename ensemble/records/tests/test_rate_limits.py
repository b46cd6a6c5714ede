"""Floods of uploads: record creation and new versions have a limit per member and per
address (scope `upload`); over it, 429 with Retry-After on the page and in the API, and
no record is made."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.accounts.tests.api_helpers import assert_error
from ensemble.records.models import Record

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_upload(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upload": (1, 3600), "upload_ip": (50, 3600)}


def _write(client, n):
    return client.post("/records/write", {"title": f"T{n}", "body": "Words.", "licence": "accord"})


def test_uploads_over_the_limit_are_refused_on_the_page_and_in_the_api(
    alice, bob, one_upload, rate_clock
):
    client, other = Client(), Client()
    client.force_login(alice)
    other.force_login(bob)
    assert _write(client, 0).status_code == 302
    page = _write(client, 1)
    assert (page.status_code, int(page["Retry-After"]) > 0) == (429, True)
    api = client.post("/api/v1/records", {"title": "T2", "text": "Words."})
    assert_error(api, 429, "rate_limited")
    assert int(api["Retry-After"]) > 0
    record = Record.objects.get(owner=alice)
    version = client.post(f"/records/{record.pk}/versions/new", {"body": "More", "change_note": ""})
    assert version.status_code == 429
    assert Record.objects.count() == 1
    assert record.versions.count() == 1
    assert _write(other, 3).status_code == 302  # another member is unaffected
    assert client.get("/records/write").status_code == 200  # reading the form is not a write
    rate_clock.advance(3600)
    assert client.post("/api/v1/records", {"title": "T4", "text": "Words."}).status_code == 201
