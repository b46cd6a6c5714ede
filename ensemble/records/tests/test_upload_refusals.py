"""Every bad upload through the web page gets a clear answer and stores nothing.

(The API answers the same refusals with status codes: see test_api.py.)
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ensemble.core.testing import image_bytes
from ensemble.records.models import Record
from ensemble.records.tests.helpers import assert_nothing_stored, video_bytes
from ensemble.records.tests.samples import images

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HLS = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nneighbour.ts\n#EXT-X-ENDLIST\n"
FFCONCAT = b"ffconcat version 1.0\nfile 'neighbour.ts'\nfile 'http://127.0.0.1:9/x.ts'\n"


def post_file(client, data: bytes, name: str, **fields):
    upload = SimpleUploadedFile(name, data)
    return client.post("/records/new", {"file": upload, "licence": "accord", "title": "", **fields})


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.png", "The file is empty."),
        (SVG, "drawing.svg", "SVG"),
        (HLS, "movie.mp4", "playlist"),
        (FFCONCAT, "movie.mkv", "playlist"),
        (b"MZ\x90\x00" + b"\x00" * 200, "setup.png", "Programs are not accepted"),
        (b"\x00\x01\x02\x03" * 100, "mystery.dat", "not supported"),
        (b"<!doctype html><html><body>hi</body></html>", "page.txt", "HTML"),
    ],
    ids=["empty", "svg", "hls", "ffconcat", "program", "unknown", "html"],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_is_stored(
    alice_client, data, name, message
):
    response = post_file(alice_client, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_stored()


def test_a_file_whose_content_is_not_the_declared_kind_is_refused(alice_client):
    response = post_file(alice_client, image_bytes(), "clip.mp4", kind="video")
    assert response.status_code == 400
    assert "The file is an image (PNG image), not a video." in response.content.decode()
    assert_nothing_stored()


def test_the_name_never_decides_the_kind(alice_client, tmp_path):
    response = post_file(alice_client, video_bytes(tmp_path), "holiday.jpg")
    assert response.status_code == 302
    assert Record.objects.get().kind == "video"


def test_a_file_over_its_kinds_limit_is_refused(alice_client, settings):
    settings.RECORD_MAX_BYTES = {**settings.RECORD_MAX_BYTES, "image": 100}
    response = post_file(alice_client, image_bytes(), "big.png")
    assert response.status_code == 400
    assert "Image files can be at most 100 bytes" in response.content.decode()
    assert_nothing_stored()


def test_a_file_over_every_limit_is_dropped_while_it_streams_in(alice_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # streamed to disk, as big files are
    settings.RECORD_MAX_BYTES = dict.fromkeys(settings.RECORD_MAX_BYTES, 1000)
    response = post_file(alice_client, image_bytes(size=(400, 400)), "big.png")
    assert response.status_code == 400
    assert "larger than any upload we accept" in response.content.decode()
    assert_nothing_stored()


def test_an_upload_over_the_quota_is_refused_and_the_quota_is_unchanged(
    alice, alice_client, settings
):
    settings.STORAGE_QUOTA_BYTES = len(image_bytes()) + 10
    assert post_file(alice_client, image_bytes(), "one.png").status_code == 302
    response = post_file(alice_client, image_bytes(), "two.png")
    assert response.status_code == 400
    assert "would go over your storage quota" in response.content.decode()
    assert Record.objects.count() == 1


def test_a_decompression_bomb_fails_processing_with_the_reason(alice_client, tasks):
    response = post_file(alice_client, images.bomb_png(), "bomb.png")
    assert response.status_code == 302
    tasks()
    version = Record.objects.get().versions.get()
    assert version.state == "failed"
    assert "megapixels" in version.failure_reason
    assert not version.renditions.exists()


@pytest.mark.parametrize("kind", ["image", "video"])
def test_truncated_media_fails_processing_with_the_reason(alice_client, tasks, tmp_path, kind):
    data = images.jpeg_with_exif(size=(640, 480)) if kind == "image" else video_bytes(tmp_path)
    response = post_file(alice_client, data[: len(data) // 2], f"cut.{kind}")
    if response.status_code == 400:  # the header alone already shows it is broken
        assert "damaged" in response.content.decode()
        assert_nothing_stored()
        return
    tasks()
    version = Record.objects.get().versions.get()
    assert version.state == "failed"
    assert version.failure_reason
    page = alice_client.get(Record.objects.get().get_absolute_url())
    assert version.failure_reason in page.content.decode()


def test_hostile_file_names_never_reach_the_disk(alice_client):
    name = "../../../etc/passwd" + "x" * 5000 + ".png"
    response = post_file(alice_client, image_bytes(), name)
    assert response.status_code == 302
    version = Record.objects.get().versions.get()
    assert "/" not in version.original_name
    assert ".." not in version.original_name.split("x")[0]
    assert len(version.original_name) <= 255
    assert version.original_file == "original.png"
    assert version.original_name.endswith(".png")


def test_a_text_that_is_a_playlist_is_refused(alice_client):
    response = alice_client.post(
        "/records/write", {"title": "Sneaky", "body": HLS.decode(), "licence": "accord"}
    )
    assert response.status_code == 400
    assert "playlist" in response.content.decode()
    assert_nothing_stored()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = post_file(client, image_bytes(), "a.png")
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert not Record.objects.exists()
