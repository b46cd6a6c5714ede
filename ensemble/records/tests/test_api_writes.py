"""The records API's writes: who may do what, and refused uploads, each answering
`{"detail", "code"}` and leaving nothing behind: no Record or Version row, no file in
the records area.
"""

from __future__ import annotations

import pytest

from ensemble.accounts.tests.api_helpers import assert_error
from ensemble.core.testing import image_bytes
from ensemble.records.models import Record, StorageUsage, Version
from ensemble.records.testing import make_record
from ensemble.records.tests.api_support import (
    HLS,
    HTML,
    POEM,
    RECORDS,
    SVG,
    noisy_png,
    png_file,
    post_with_raw_file_name,
    upload,
    url,
)
from ensemble.records.tests.helpers import assert_nothing_stored, stored_files

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
    assert_nothing_stored()


@pytest.mark.django_db
def test_file_over_the_kinds_limit_is_413(client, auth, records_root, settings):
    settings.RECORD_MAX_BYTES = {**settings.RECORD_MAX_BYTES, "image": 100}

    response = upload(client, auth["alice"], noisy_png(), "big.png")

    body = assert_error(response, 413, "too_large")
    assert "100 bytes" in body["detail"]
    assert_nothing_stored()


@pytest.mark.django_db
def test_file_over_every_limit_is_dropped_while_streaming(client, auth, records_root, settings):
    settings.RECORD_MAX_BYTES = dict.fromkeys(settings.RECORD_MAX_BYTES, 1000)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload streams to a temporary file

    response = upload(client, auth["alice"], noisy_png(), "big.png")

    assert_error(response, 413, "too_large")
    assert_nothing_stored()


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
    assert_nothing_stored()
    assert not StorageUsage.objects.filter(user=alice, used_bytes__gt=0).exists()
    accepted = upload(client, auth["alice"], small, "small.png")
    assert accepted.status_code == 201, accepted.content
    assert StorageUsage.objects.get(user=alice).used_bytes == len(small)


@pytest.mark.django_db
def test_neither_file_nor_text_is_422(client, auth, records_root):
    response = client.post(RECORDS, {"title": "Nothing"}, headers=auth["alice"])

    assert_error(response, 422, "invalid")
    assert_nothing_stored()


@pytest.mark.django_db
def test_both_file_and_text_is_422(client, auth, records_root):
    response = client.post(
        RECORDS, {"title": "Both", "text": POEM, "file": png_file()}, headers=auth["alice"]
    )

    assert_error(response, 422, "invalid")
    assert_nothing_stored()


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
    (stored,) = stored_files()
    assert stored.parts == (*version.folder.split("/"), "original.png")
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
    (stored,) = stored_files()
    assert stored.parts == (*Version.objects.get().folder.split("/"), "original.png")


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
    assert_nothing_stored()
