"""The official tus client (tuspy) against a live server: a file sent in pieces with
checksums, a dropped connection resumed by a new client that knows only the upload's
address, and a refusal read as tus clients read it."""

from __future__ import annotations

import pytest
from tusclient import client as tus
from tusclient.exceptions import TusCommunicationError

from ensemble.accounts.services import create_access_token
from ensemble.records.models import Record, ResumableUpload
from ensemble.records.tests.test_resumable import PNG

# Flushed after each test, then restored whole (content types included) for the next.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def uploads_url(live_server) -> str:
    return f"{live_server.url}/api/v1/resumable/"


@pytest.fixture
def headers(alice) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(alice, 'tuspy').secret}"}


def test_tuspy_sends_a_file_in_pieces_with_checksums(uploads_url, headers, tmp_path, alice):
    path = tmp_path / "noise.png"
    path.write_bytes(PNG)
    uploader = tus.TusClient(uploads_url, headers=headers).uploader(
        str(path),
        chunk_size=16 * 1024,
        metadata={"filename": "noise.png", "title": "Noise"},
        upload_checksum=True,
    )
    uploader.upload()
    record = Record.objects.get()
    assert (record.owner, record.title) == (alice, "Noise")
    assert ResumableUpload.objects.get().state == "complete"


def test_a_dropped_upload_is_resumed_by_a_new_client_from_where_it_stopped(
    uploads_url, headers, tmp_path
):
    path = tmp_path / "noise.png"
    path.write_bytes(PNG)
    first = tus.TusClient(uploads_url, headers=headers).uploader(
        str(path), chunk_size=20 * 1024, metadata={"filename": "noise.png"}
    )
    first.upload_chunk()
    first.upload_chunk()  # then the connection (or the laptop) went away
    sent = ResumableUpload.objects.get().offset
    assert sent == 40 * 1024
    again = tus.TusClient(uploads_url, headers=headers).uploader(
        str(path), url=first.url, chunk_size=20 * 1024
    )
    assert again.offset == sent  # asked the server (HEAD), did not start over
    again.upload()
    assert Record.objects.count() == 1
    assert ResumableUpload.objects.get().offset == len(PNG)


def test_a_refusal_reaches_the_client(uploads_url, headers, tmp_path, settings):
    settings.STORAGE_QUOTA_BYTES = 1000
    path = tmp_path / "noise.png"
    path.write_bytes(PNG)
    uploader = tus.TusClient(uploads_url, headers=headers).uploader(str(path))
    with pytest.raises(TusCommunicationError) as refused:
        uploader.upload()
    assert refused.value.status_code == 413
    assert not ResumableUpload.objects.exists()
