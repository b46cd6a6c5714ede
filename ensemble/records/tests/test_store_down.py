"""The file store not answering: each request that needs it is a 503 saying so, and
nothing is half written; work waiting on it goes on once the store is back."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ensemble.core.storage_url import storages_from_url
from ensemble.records import processing, storage
from ensemble.records.models import Record, ResumableUpload, Version
from ensemble.records.testing import make_record
from ensemble.records.tests.test_resumable import PNG, TUS, path_of, send, start

pytestmark = pytest.mark.django_db
NOBODY = "s3://k:s@nobody-here?endpoint=http://127.0.0.1:9"  # nothing listens on port 9


def point_at(settings, url: str) -> None:
    settings.STORAGE_URL = url
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url("STORAGE_URL", url, roots={}, media_url=settings.MEDIA_URL),
    }


@pytest.fixture
def store_down(settings):
    point_at(settings, NOBODY)


def test_an_upload_is_refused_with_503_and_nothing_is_kept(alice_client, alice, store_down):
    answer = alice_client.post(
        "/api/v1/records", {"file": SimpleUploadedFile("a.png", PNG), "title": "Sea"}
    )
    assert answer.status_code == 503
    assert answer.json()["code"] == "storage_unavailable"
    assert "nothing was changed" in answer.json()["detail"]
    assert not Record.objects.exists()
    assert not Version.objects.exists()
    assert storage.used_bytes(alice) == 0


def test_the_upload_page_says_so_on_the_form(alice_client, store_down):
    answer = alice_client.post(
        "/records/new",
        {"file": SimpleUploadedFile("a.png", PNG), "title": "Sea", "licence": "accord"},
    )
    assert "File storage is not answering just now" in answer.content.decode()
    assert not Record.objects.exists()


def test_a_page_that_needs_the_store_is_a_503_page(client, store_down):
    answer = client.get("/media/avatars/someone.webp")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "60"
    assert "File storage is not answering just now" in answer.content.decode()


def test_processing_waits_for_the_store_and_goes_on_once_it_is_back(alice, settings, s3_storage):
    record = make_record(alice, process=False)
    version = record.versions.get()
    point_at(settings, NOBODY)
    assert processing.run(version.pk) == "waiting: the file store did not answer"
    version.refresh_from_db()
    assert version.state == "processing"  # not failed: requeued once its heartbeat stops
    point_at(settings, s3_storage)
    Version.objects.filter(pk=version.pk).update(heartbeat_at=version.created_at.replace(year=2000))
    assert processing.run(version.pk) == "ready"


def test_a_whole_tus_upload_waits_for_the_store_and_is_finished_when_asked(
    client, alice, settings, s3_storage
):
    from ensemble.accounts.services import create_access_token

    token = {"Authorization": f"Bearer {create_access_token(alice, 't').secret}", **TUS}
    where = path_of(start(client, token)["Location"])
    point_at(settings, NOBODY)
    last = send(client, where, token, 0, PNG)
    assert last.status_code == 503
    upload = ResumableUpload.objects.get()
    assert (upload.state, upload.offset) == ("receiving", len(PNG))  # the bytes stay
    assert client.head(where, headers=token).status_code == 503
    point_at(settings, s3_storage)
    back = client.head(where, headers=token)
    assert back.status_code == 200
    assert back["Ensemble-Record"] == f"/api/v1/records/{Record.objects.get().pk}"
