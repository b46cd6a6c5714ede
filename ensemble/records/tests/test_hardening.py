"""Fixes from the security review: floods, invisible characters, lying names, stale
workers, strangers' uploads, and queries that grew with the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.core import filestore
from ensemble.core.testing import image_bytes
from ensemble.records import processing, services, storage
from ensemble.records.models import Record, Version
from ensemble.records.testing import make_record, served
from ensemble.records.tests.samples import images

pytestmark = pytest.mark.django_db


def test_a_flood_of_tags_is_refused_at_once(alice, alice_client):
    record = make_record(alice)
    response = alice_client.patch(
        f"/api/v1/records/{record.pk}",
        json.dumps({"tags": [f"t{i}" for i in range(30_000)]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "at most 10 tags" in response.json()["detail"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "a\x00b"),
        ("title", "invoice\u202egnp.exe"),
        ("title", "two\nlines"),
        ("tags", "ok, bad\x07tag"),
        ("description", "nul \x00 here"),
    ],
)
def test_invisible_and_spoofing_characters_are_refused(alice_client, field, value):
    data = {"title": "Fine", "file": SimpleUploadedFile("a.png", image_bytes()), field: value}
    response = alice_client.post("/api/v1/records", data)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert not Record.objects.exists()


def test_a_download_is_named_for_what_it_is(alice, bob, client):
    record = make_record(alice, name="song.mp3\u202eLMTH.html", publish=True)
    version = record.current_version
    assert "\u202e" not in version.original_name
    from ensemble.records.present import media_for

    client.force_login(bob)
    response = served(client, media_for(version, record, bob).download)
    disposition = response["Content-Disposition"]
    assert disposition.endswith('.png"') or '.png"' in disposition
    assert ".html" not in disposition.split("filename*")[0]


def test_a_failed_version_gives_its_bytes_back_and_leaves_no_file(alice, tasks):
    record = make_record(
        alice,
        data=images.truncated(images.jpeg_with_exif(size=(640, 480))),
        name="cut.jpg",
        process=False,
    )
    version = record.versions.get()
    assert storage.used_bytes(alice) == version.size
    tasks()
    version.refresh_from_db()
    assert version.state == "failed"
    assert storage.used_bytes(alice) == 0
    assert filestore.records.names(version.folder) == []


def test_a_worker_finishing_after_the_record_was_deleted_changes_nothing(alice):
    record = make_record(alice, process=False)
    version = record.versions.get()
    attempt = Version.claim(version.pk, stale_after=processing.stall_after())
    services.delete_record(record, by=alice)
    result = processing.Result(kind="image")
    assert processing._finish(version, attempt, result) is False
    record.refresh_from_db()
    version.refresh_from_db()
    assert record.current_version is None
    assert version.state == "processing"  # the sweeper will fail it as deleted


def test_a_worker_thought_dead_cannot_overwrite_its_successor(alice, settings):
    record = make_record(alice, process=False)
    version = record.versions.get()
    first = Version.claim(version.pk, stale_after=processing.stall_after())
    Version.objects.filter(pk=version.pk).update(heartbeat_at=version.created_at.replace(year=2000))
    second = Version.claim(version.pk, stale_after=processing.stall_after())
    assert (first, second) == (1, 2)
    processing._fail(version, first, "late news from the first worker")
    version.refresh_from_db()
    assert version.state == "processing"
    assert version.failure_reason == ""


def test_strangers_uploads_are_never_written_to_disk(client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # big enough files go to disk
    temp = Path(settings.FILE_UPLOAD_TEMP_DIR)
    before = set(temp.iterdir())
    client.post("/api/v1/records", {"file": SimpleUploadedFile("a.png", image_bytes())})
    client.post("/records/new", {"file": SimpleUploadedFile("a.png", image_bytes())})
    assert set(temp.iterdir()) == before
    assert not Record.objects.exists()


def test_one_file_per_request(alice_client):
    response = alice_client.post(
        "/api/v1/records",
        {
            "file": [
                SimpleUploadedFile("a.png", image_bytes()),
                SimpleUploadedFile("b.png", image_bytes()),
            ]
        },
    )
    assert response.status_code == 400
    assert not Record.objects.exists()


def test_the_status_of_a_deleted_record_is_gone(alice, client):
    record = make_record(alice, publish=True)
    services.delete_record(record, by=alice)
    assert client.get(f"/records/{record.pk}/status").status_code == 404


def test_browse_is_a_fixed_number_of_queries_for_signed_in_members_too(alice, carol, client):
    client.force_login(carol)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/records/")
        return len(captured)

    make_record(alice, publish=True)
    few = queries()
    for _ in range(5):
        make_record(alice, publish=True)
    assert queries() == few
