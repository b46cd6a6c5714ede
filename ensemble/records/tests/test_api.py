"""The records API: upload → process → ready, lists, edits, versions, who may do what.

Every refused upload answers `{"detail", "code"}` and leaves nothing behind: no Record
or Version row, no file under RECORDS_ROOT.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from ensemble.accounts.services import create_access_token
from ensemble.accounts.tests.api_helpers import assert_error, bearer, field_names
from ensemble.core.testing import image_bytes
from ensemble.records.models import Record, StorageUsage, Version
from ensemble.records.testing import make_record

RECORDS = "/api/v1/records"

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html>\n<html><body><script>alert(1)</script></body></html>\n"
HLS = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:1.0,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n"
POEM = "# Tide\n\nThe sea *keeps* what it is given.\n"


@pytest.fixture
def records_root(settings):
    """This test's own record folder (conftest.py gives each test one)."""
    return settings.RECORDS_ROOT


@pytest.fixture
def auth(alice, bob, carol):
    """Bearer headers for each member of the cast, by username."""
    return {
        user.username: bearer(create_access_token(user, "tests").secret)
        for user in (alice, bob, carol)
    }


def url(record: Record | int, suffix: str = "") -> str:
    pk = record if isinstance(record, int) else record.pk
    return f"{RECORDS}/{pk}{suffix}"


def png_file(name: str = "picture.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/png")


def noisy_png(side: int = 48) -> bytes:
    """A PNG that does not compress: its size is about 3 × side² bytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def upload(client, headers, data: bytes, name: str, **fields):
    return client.post(RECORDS, {"file": SimpleUploadedFile(name, data), **fields}, headers=headers)


def post_with_raw_file_name(client, headers, name: str, data: bytes, **fields):
    """A multipart body naming the file exactly as given: the test client would basename it."""
    boundary = "ensemble-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(
        RECORDS, body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers
    )


def files_under(root: Path) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()] if Path(root).exists() else []


def assert_nothing_kept(root: Path) -> None:
    assert not Record.objects.exists()
    assert not Version.objects.exists()
    assert files_under(root) == []


def fetch(client, media_url: str, headers=None):
    """GET a media URL and read the whole body, which closes the file.

    Not `response.close()`: outside the test client's own wrapper that fires
    `request_finished`, which closes the database connection on PostgreSQL.
    """
    response = client.get(media_url, headers=headers or {})
    response.body = response.getvalue()
    return response


# Creating: file or text, processing state, media


@pytest.mark.django_db
def test_uploaded_image_is_a_draft_waiting_to_be_processed(client, auth, alice):
    response = client.post(
        RECORDS,
        {
            "file": png_file(),
            "title": "Red square",
            "description": "A *very* red square.",
            "tags": "Red, squares , red",
            "licence": "cc-by-4.0",
        },
        headers=auth["alice"],
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "image"
    assert body["title"] == "Red square"
    assert "<em>very</em>" in body["description_html"]
    assert body["tags"] == ["red", "squares"]
    assert body["licence"] == "cc-by-4.0"
    assert body["visibility"] == "draft"
    assert body["owner"]["username"] == "alice"
    assert body["latest_version"]["state"] == "uploaded"
    assert body["latest_version"]["number"] == 1
    assert body["current_version"] is None
    assert body["media"]["thumb"] is None
    assert Record.objects.get(pk=body["id"]).owner == alice


@pytest.mark.django_db
def test_uploaded_image_is_ready_with_media_urls_after_processing(client, auth, tasks):
    record_id = client.post(RECORDS, {"file": png_file()}, headers=auth["alice"]).json()["id"]

    tasks()
    response = client.get(url(record_id), headers=auth["alice"])

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["latest_version"]["state"] == "ready"
    assert body["current_version"]["number"] == 1
    media = body["media"]
    assert media["thumb"]
    assert media["image"]
    assert media["download"]


@pytest.mark.django_db
def test_media_urls_serve_the_files_with_their_types_and_nosniff(client, auth, tasks):
    record_id = client.post(RECORDS, {"file": png_file()}, headers=auth["alice"]).json()["id"]
    tasks()
    media = client.get(url(record_id), headers=auth["alice"]).json()["media"]

    for role, content_type in (
        ("thumb", "image/webp"),
        ("image", "image/webp"),
        ("download", "image/png"),
    ):
        response = fetch(client, media[role], auth["alice"])
        assert response.status_code == 200, role
        assert response["Content-Type"].startswith(content_type), role
        assert response["X-Content-Type-Options"] == "nosniff"
    download = fetch(client, media["download"], auth["alice"])
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_title_comes_from_the_file_name_when_not_given(client, auth):
    response = client.post(RECORDS, {"file": png_file("sea_at_dawn.png")}, headers=auth["alice"])

    assert response.status_code == 201
    assert response.json()["title"] == "sea at dawn"


@pytest.mark.django_db
def test_text_becomes_a_text_record_rendered_after_processing(client, auth, tasks):
    response = client.post(RECORDS, {"title": "Tide", "text": POEM}, headers=auth["alice"])

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "text"
    assert body["latest_version"]["state"] == "uploaded"
    tasks()
    body = client.get(url(body["id"]), headers=auth["alice"]).json()
    assert body["latest_version"]["state"] == "ready"
    assert body["media"]["download"]


@pytest.mark.django_db
def test_list_costs_the_same_queries_for_3_and_12_records(client, alice, bob):
    def queries_for_list() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(RECORDS)
        assert response.status_code == 200
        return len(response.json()["items"]), len(captured)

    for n in range(3):
        make_record(alice if n % 2 else bob, title=f"R{n}", tags="a, b", publish=True)
    few_items, few = queries_for_list()
    for n in range(3, 12):
        make_record(alice if n % 2 else bob, title=f"R{n}", tags="a, b", publish=True)
    many_items, many = queries_for_list()

    assert (few_items, many_items) == (3, 12)
    assert many == few


# Reading one record


@pytest.mark.django_db
def test_draft_is_404_for_anonymous_and_outsiders(client, auth, alice):
    draft = make_record(alice)

    assert_error(client.get(url(draft)), 404, "not_found")
    assert_error(client.get(url(draft), headers=auth["carol"]), 404, "not_found")
    assert client.get(url(draft), headers=auth["alice"]).status_code == 200


@pytest.mark.django_db
def test_draft_media_is_404_for_outsiders(client, auth, alice):
    draft = make_record(alice)
    media = client.get(url(draft), headers=auth["alice"]).json()["media"]

    for role in ("thumb", "image", "download"):
        assert fetch(Client(), media[role]).status_code == 404
        assert fetch(Client(), media[role], auth["carol"]).status_code == 404
        assert fetch(Client(), media[role], auth["alice"]).status_code == 200


@pytest.mark.django_db
def test_unknown_record_is_404(client):
    assert_error(client.get(url(999_999)), 404, "not_found")


# Editing


@pytest.mark.django_db
def test_patch_changes_only_the_fields_sent(client, auth, alice):
    record = make_record(alice, title="Old", description="Kept.", tags="one")

    response = client.patch(
        url(record),
        {"title": "New", "tags": ["Two", "three"], "licence": "cc-by-sa-4.0"},
        content_type="application/json",
        headers=auth["alice"],
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "New"
    assert body["tags"] == ["three", "two"]
    assert body["licence"] == "cc-by-sa-4.0"
    assert body["description"] == "Kept."
    record.refresh_from_db()
    assert (record.title, record.licence) == ("New", "cc-by-sa-4.0")


@pytest.mark.django_db
def test_patch_with_a_too_long_title_is_refused_with_the_field_named(client, auth, alice):
    record = make_record(alice, title="Old")

    response = client.patch(
        url(record), {"title": "x" * 201}, content_type="application/json", headers=auth["alice"]
    )

    body = assert_error(response, 422, "invalid")
    assert "200" in body["detail"]
    assert "title" in field_names(body)
    record.refresh_from_db()
    assert record.title == "Old"


@pytest.mark.django_db
def test_patch_with_an_unknown_licence_is_refused(client, auth, alice):
    record = make_record(alice, licence="cc0-1.0")

    response = client.patch(
        url(record), {"licence": "wtfpl"}, content_type="application/json", headers=auth["alice"]
    )

    body = assert_error(response, 422, "invalid")
    assert "licence" in field_names(body)
    record.refresh_from_db()
    assert record.licence == "cc0-1.0"


# Deleting


@pytest.mark.django_db
def test_delete_leaves_a_tombstone_without_media_or_description(client, auth, alice):
    record = make_record(alice, title="Gone", description="Words.", tags="sea", publish=True)
    media = client.get(url(record)).json()["media"]
    assert fetch(Client(), media["thumb"]).status_code == 200

    response = client.delete(url(record), headers=auth["alice"])

    assert response.status_code == 204
    body = client.get(url(record)).json()
    assert body["deleted"] is True
    assert body["title"] == "Gone"
    assert body["owner"]["username"] == "alice"
    assert body["description"] == ""
    assert body["description_html"] == ""
    assert body["tags"] == []
    assert all(value is None for value in body["media"].values())
    for role in ("thumb", "image", "download"):
        assert fetch(Client(), media[role]).status_code == 404
        assert fetch(Client(), media[role], auth["alice"]).status_code == 404


@pytest.mark.django_db
def test_delete_removes_the_files_and_frees_the_quota(client, auth, alice, tasks, records_root):
    record = make_record(alice)
    assert files_under(records_root)
    assert StorageUsage.objects.get(user=alice).used_bytes > 0

    client.delete(url(record), headers=auth["alice"])
    tasks()  # runs what waits for the commit

    assert files_under(records_root) == []
    assert StorageUsage.objects.get(user=alice).used_bytes == 0


@pytest.mark.django_db
def test_a_deleted_record_can_no_longer_be_edited(client, auth, alice):
    record = make_record(alice)
    client.delete(url(record), headers=auth["alice"])

    response = client.patch(
        url(record), {"title": "Back"}, content_type="application/json", headers=auth["alice"]
    )

    assert_error(response, 410, "gone")
    assert_error(client.get(url(record, "/versions"), headers=auth["alice"]), 410, "gone")


@pytest.mark.django_db
def test_deleted_draft_stays_hidden_from_outsiders(client, auth, alice):
    draft = make_record(alice, title="Never shown")
    client.delete(url(draft), headers=auth["alice"])

    assert_error(client.get(url(draft)), 404, "not_found")
    assert_error(client.get(url(draft), headers=auth["carol"]), 404, "not_found")


# Publishing


@pytest.mark.django_db
def test_publish_waits_for_processing_then_shows_the_record_to_everyone(client, auth, tasks):
    record_id = client.post(RECORDS, {"file": png_file()}, headers=auth["alice"]).json()["id"]

    early = client.post(url(record_id, "/publish"), headers=auth["alice"])

    assert_error(early, 409, "not_ready")
    assert_error(client.get(url(record_id)), 404, "not_found")
    tasks()
    response = client.post(url(record_id, "/publish"), headers=auth["alice"])
    assert response.status_code == 200, response.content
    assert response.json()["visibility"] == "public"
    assert response.json()["published_at"]
    anonymous = Client().get(url(record_id))
    assert anonymous.status_code == 200
    assert anonymous.json()["media"]["thumb"]
    assert fetch(Client(), anonymous.json()["media"]["thumb"]).status_code == 200


@pytest.mark.django_db
def test_publishing_twice_is_harmless(client, auth, alice):
    record = make_record(alice, publish=True)
    published_at = Record.objects.get(pk=record.pk).published_at

    response = client.post(url(record, "/publish"), headers=auth["alice"])

    assert response.status_code == 200
    assert Record.objects.get(pk=record.pk).published_at == published_at


# Versions


@pytest.mark.django_db
def test_new_version_shows_the_old_one_until_it_is_processed(client, auth, alice, tasks):
    record = make_record(alice, publish=True)

    response = client.post(
        url(record, "/versions"),
        {"file": png_file("blue.png", color="navy"), "change_note": "Bluer."},
        headers=auth["alice"],
    )

    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert response.json()["change_note"] == "Bluer."
    assert response.json()["state"] == "uploaded"
    body = client.get(url(record), headers=auth["alice"]).json()
    assert body["version_count"] == 2
    assert body["current_version"]["number"] == 1
    assert body["latest_version"]["number"] == 2
    versions = client.get(url(record, "/versions"), headers=auth["alice"]).json()
    assert [(v["number"], v["change_note"]) for v in versions] == [(2, "Bluer."), (1, "")]
    # Others see only what is ready: not the name or note of an upload in progress.
    body = client.get(url(record)).json()
    assert body["latest_version"]["number"] == 1
    assert [v["number"] for v in client.get(url(record, "/versions")).json()] == [1]
    tasks()
    body = client.get(url(record)).json()
    assert body["current_version"]["number"] == 2
    assert body["current_version"]["change_note"] == "Bluer."


@pytest.mark.django_db
def test_new_version_of_another_kind_is_refused(client, auth, alice, records_root):
    record = make_record(alice)
    files_before = files_under(records_root)

    response = client.post(
        url(record, "/versions"), {"text": POEM, "change_note": "Words now."}, headers=auth["alice"]
    )

    assert_error(response, 422, "kind_mismatch")
    assert Version.objects.filter(record=record).count() == 1
    assert files_under(records_root) == files_before


@pytest.mark.django_db
def test_versions_of_a_draft_are_404_for_outsiders(client, auth, alice):
    draft = make_record(alice)

    assert_error(client.get(url(draft, "/versions")), 404, "not_found")
    assert_error(client.get(url(draft, "/versions"), headers=auth["carol"]), 404, "not_found")
    assert client.get(url(draft, "/versions"), headers=auth["alice"]).status_code == 200


# The permission ladder for every write


def _patch(client, record, headers):
    return client.patch(
        url(record), {"title": "Taken"}, content_type="application/json", headers=headers
    )


def _delete(client, record, headers):
    return client.delete(url(record), headers=headers)


def _publish(client, record, headers):
    return client.post(url(record, "/publish"), headers=headers)


def _add_version(client, record, headers):
    return client.post(url(record, "/versions"), {"file": png_file(color="navy")}, headers=headers)


def _invite(client, record, headers):
    return client.post(
        url(record, "/cocreators"),
        {"username": "bob"},
        content_type="application/json",
        headers=headers,
    )


WRITES = [_patch, _delete, _publish, _add_version, _invite]
SUCCESS = {_patch: 200, _delete: 204, _publish: 200, _add_version: 201, _invite: 201}


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_anonymous_writes_are_401(client, alice, write):
    record = make_record(alice, publish=True)

    assert_error(write(client, record, {}), 401, "not_authenticated")
    assert Record.objects.get(pk=record.pk).title == "A record"


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_outsider_writes_to_a_public_record_are_403(client, auth, alice, write):
    record = make_record(alice, publish=True)

    assert_error(write(client, record, auth["carol"]), 403, "forbidden")
    record = Record.objects.get(pk=record.pk)
    assert (record.title, record.deleted_at, record.version_count) == ("A record", None, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_outsider_writes_to_a_draft_are_404(client, auth, alice, write):
    draft = make_record(alice)

    assert_error(write(client, draft, auth["carol"]), 404, "not_found")
    draft = Record.objects.get(pk=draft.pk)
    assert (draft.title, draft.visibility, draft.version_count) == ("A record", "draft", 1)


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_owner_writes_succeed(client, auth, alice, write):
    draft = make_record(alice)

    response = write(client, draft, auth["alice"])

    assert response.status_code == SUCCESS[write], response.content


# Refused uploads leave nothing behind


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "fields", "status", "code"),
    [
        (b"", "empty.png", {}, 422, "empty_file"),
        (SVG, "drawing.svg", {}, 415, "unsupported_file"),
        (SVG, "drawing.png", {}, 415, "unsupported_file"),
        (HTML, "page.txt", {}, 415, "unsupported_file"),
        (HLS, "movie.mp4", {}, 415, "unsupported_file"),
        (image_bytes(), "picture.png", {"kind": "video"}, 422, "kind_mismatch"),
        (image_bytes(), "picture.png", {"licence": "mine-all-mine"}, 422, "invalid"),
        (image_bytes(), "picture.png", {"title": "x" * 201}, 422, "invalid"),
    ],
    ids=[
        "empty",
        "svg",
        "svg-named-png",
        "html",
        "hls-named-mp4",
        "declared-video",
        "bad-licence",
        "long-title",
    ],
)
def test_refused_upload_leaves_no_row_and_no_file(
    client, auth, records_root, data, name, fields, status, code
):
    response = upload(client, auth["alice"], data, name, **fields)

    assert_error(response, status, code)
    assert_nothing_kept(records_root)


@pytest.mark.django_db
def test_file_over_the_kinds_limit_is_413(client, auth, records_root, settings):
    settings.RECORD_MAX_BYTES = {**settings.RECORD_MAX_BYTES, "image": 100}

    response = upload(client, auth["alice"], noisy_png(), "big.png")

    body = assert_error(response, 413, "too_large")
    assert "100 bytes" in body["detail"]
    assert_nothing_kept(records_root)


@pytest.mark.django_db
def test_file_over_every_limit_is_dropped_while_streaming(client, auth, records_root, settings):
    settings.RECORD_MAX_BYTES = dict.fromkeys(settings.RECORD_MAX_BYTES, 1000)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload streams to a temporary file

    response = upload(client, auth["alice"], noisy_png(), "big.png")

    assert_error(response, 413, "too_large")
    assert_nothing_kept(records_root)


@pytest.mark.django_db
def test_over_quota_is_413_and_a_smaller_upload_still_fits(
    client, auth, alice, records_root, settings
):
    small = image_bytes()
    big = noisy_png()
    settings.STORAGE_QUOTA_BYTES = len(small) + 1000
    assert len(big) > settings.STORAGE_QUOTA_BYTES

    refused = upload(client, auth["alice"], big, "big.png")

    body = assert_error(refused, 413, "quota_exceeded")
    assert "quota" in body["detail"]
    assert_nothing_kept(records_root)
    assert not StorageUsage.objects.filter(user=alice, used_bytes__gt=0).exists()
    accepted = upload(client, auth["alice"], small, "small.png")
    assert accepted.status_code == 201, accepted.content
    assert StorageUsage.objects.get(user=alice).used_bytes == len(small)


@pytest.mark.django_db
def test_neither_file_nor_text_is_422(client, auth, records_root):
    response = client.post(RECORDS, {"title": "Nothing"}, headers=auth["alice"])

    assert_error(response, 422, "invalid")
    assert_nothing_kept(records_root)


@pytest.mark.django_db
def test_both_file_and_text_is_422(client, auth, records_root):
    response = client.post(
        RECORDS, {"title": "Both", "text": POEM, "file": png_file()}, headers=auth["alice"]
    )

    assert_error(response, 422, "invalid")
    assert_nothing_kept(records_root)


@pytest.mark.django_db
def test_path_traversal_in_the_file_name_is_stored_under_a_generated_name(
    client, auth, records_root, tmp_path
):
    response = post_with_raw_file_name(
        client, auth["alice"], "../../etc/passwd.png", image_bytes(), title="Sneaky"
    )

    assert response.status_code == 201, response.content
    version = Version.objects.get()
    assert "/" not in version.original_name
    assert "\\" not in version.original_name
    assert not version.original_name.startswith(".")
    assert version.original_name.endswith("passwd.png")
    (stored,) = files_under(records_root)
    assert stored.resolve().is_relative_to(Path(records_root).resolve())
    assert stored.name == version.original_file == "original.png"
    assert "passwd" not in str(stored)
    assert not (tmp_path / "etc").exists()


@pytest.mark.django_db
def test_a_long_file_name_is_accepted_and_shortened(client, auth, records_root):
    # 900 characters: as long as Django's multipart parser lets a part's headers be.
    name = "a" * 896 + ".png"

    response = post_with_raw_file_name(client, auth["alice"], name, image_bytes())

    assert response.status_code == 201, response.content
    version = Version.objects.get()
    assert len(version.original_name) <= 255
    assert version.original_name.endswith(".png")
    assert len(response.json()["title"]) <= 200
    (stored,) = files_under(records_root)
    assert stored.name == "original.png"
    assert stored.resolve().is_relative_to(Path(records_root).resolve())


@pytest.mark.django_db
def test_a_5000_character_file_name_is_a_client_error_not_a_crash(client, auth, records_root):
    # Past Django's limit on a multipart part's headers (1 KB) the body cannot be parsed:
    # that is the client's mistake (400), and nothing may be kept.
    name = "a" * 4996 + ".png"

    response = post_with_raw_file_name(client, auth["alice"], name, image_bytes())

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert body["code"]
    assert_nothing_kept(records_root)
