"""Uploads straight to the bucket (/api/v1/direct-uploads), against a real S3 server: the
site signs each part for its exact size, the store takes the bytes, and the site checks
the result before it becomes a record. Every hostile or broken request is refused with
nothing kept."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import urllib.request
import wave
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ensemble.accounts.services import create_access_token
from ensemble.core import filestore, multipart
from ensemble.records import direct
from ensemble.records.models import DirectUpload, Record, Version
from ensemble.records.tests.test_resumable import PNG
from ensemble.records.tests.test_store_down import NOBODY, point_at

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def wav_bytes(seconds: float) -> bytes:
    """A WAV of silence and a tick: 192 KB a second, so 90 s take three parts of 8 MiB."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(2)
        sound.setsampwidth(2)
        sound.setframerate(48_000)
        frames = int(48_000 * seconds)
        sound.writeframes(bytes(4 * frames))
    return out.getvalue()


@pytest.fixture
def api(alice, s3_storage) -> Client:
    token = create_access_token(alice, "direct").secret
    return Client(headers={"Authorization": f"Bearer {token}"})


def start(api: Client, length: int, **fields: str):
    return api.post(
        "/api/v1/direct-uploads", {"length": length, **fields}, content_type="application/json"
    )


def signed(api: Client, upload_id: str, numbers: list[int]):
    return api.post(
        f"/api/v1/direct-uploads/{upload_id}/parts",
        {"numbers": numbers},
        content_type="application/json",
    )


def put(url: str, data: bytes) -> int:
    request = urllib.request.Request(url, data=data, method="PUT")  # noqa: S310 - signed by us
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def send_parts(api: Client, upload: dict, data: bytes, numbers: list[int] | None = None) -> None:
    size = upload["part_size"]
    wanted = numbers or list(range(1, upload["parts"] + 1))
    for part in signed(api, upload["id"], wanted).json()["parts"]:
        start_at = (part["number"] - 1) * size
        assert put(part["url"], data[start_at : start_at + part["size"]]) == 200


def complete(api: Client, upload_id: str):
    return api.post(f"/api/v1/direct-uploads/{upload_id}/complete")


def nothing_kept(upload_id: str) -> bool:
    row = DirectUpload.objects.get(pk=upload_id)
    return not filestore.records.names(row.folder) and not Record.objects.exists()


def test_a_picture_goes_to_the_bucket_and_becomes_a_draft(api, alice, tasks):
    created = start(api, len(PNG), filename="harbour.png", title="Harbour", tags="sea")
    assert created.status_code == 201, created.content
    upload = created.json()
    assert (upload["parts"], upload["part_size"], upload["received"]) == (1, 8 * MB, [])
    send_parts(api, upload, PNG)
    assert api.get(f"/api/v1/direct-uploads/{upload['id']}").json()["received"] == [1]
    done = complete(api, upload["id"])
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "complete"
    record = Record.objects.get(pk=done.json()["record_id"])
    assert (record.owner, record.title, record.kind, record.visibility) == (
        alice,
        "Harbour",
        "image",
        "draft",
    )
    version = record.versions.get()
    assert (version.original_name, version.size, version.sha256) == ("harbour.png", len(PNG), "")
    tasks()
    version.refresh_from_db()
    assert version.state == Version.State.READY
    assert version.sha256 == hashlib.sha256(PNG).hexdigest()  # taken by the worker
    again = complete(api, upload["id"])  # a client retrying after a lost answer
    assert again.json()["record_id"] == record.pk
    assert Record.objects.count() == 1


def test_a_sound_in_three_parts_resumes_and_is_probed_where_it_lies(api):
    sound = wav_bytes(90)
    upload = start(api, len(sound), filename="tide.wav", kind="audio").json()
    assert upload["parts"] == 3
    send_parts(api, upload, sound, [1, 3])  # the connection dropped before part 2
    assert api.get(f"/api/v1/direct-uploads/{upload['id']}").json()["received"] == [1, 3]
    early = complete(api, upload["id"])
    assert early.status_code == 409
    assert early.json()["code"] == "missing_parts"
    assert "Part 2 of 3" in early.json()["detail"]
    assert DirectUpload.objects.get(pk=upload["id"]).state == "receiving"
    assert not Record.objects.exists()
    send_parts(api, upload, sound, [2])
    done = complete(api, upload["id"])
    assert done.status_code == 200, done.content
    record = Record.objects.get()
    assert record.kind == "audio"
    assert record.versions.get().size == len(sound)


def test_a_part_of_another_size_than_signed_is_refused_by_the_store(api):
    upload = start(api, len(PNG)).json()
    url = signed(api, upload["id"], [1]).json()["parts"][0]["url"]
    assert put(url, PNG + b"more") == 403
    assert put(url, PNG[:100]) == 403
    assert api.get(f"/api/v1/direct-uploads/{upload['id']}").json()["received"] == []


def test_a_file_that_is_not_what_was_declared_is_removed(api):
    upload = start(api, len(PNG), kind="video").json()
    send_parts(api, upload, PNG)
    refused = complete(api, upload["id"])
    assert refused.status_code == 422
    assert refused.json()["code"] == "kind_mismatch"
    assert DirectUpload.objects.get(pk=upload["id"]).state == "refused"
    assert nothing_kept(upload["id"])
    assert complete(api, upload["id"]).status_code == 410
    assert signed(api, upload["id"], [1]).status_code == 410


def test_bytes_of_no_kind_we_take_are_removed(api):
    junk = bytes(range(256)) * 64
    upload = start(api, len(junk)).json()
    send_parts(api, upload, junk)
    refused = complete(api, upload["id"])
    assert refused.status_code == 415
    assert nothing_kept(upload["id"])


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"length": 0}, 422, "empty_file"),
        ({"length": 10**12}, 413, "too_large"),
        ({"length": -5}, 422, "empty_file"),
        ({"length": "100"}, 422, "invalid"),
        ({"length": 100, "licence": "mine-all-mine"}, 422, "invalid"),
        ({"length": 100, "kind": "hologram"}, 422, "invalid"),
        ({"length": 100, "call": 1}, 422, "invalid"),  # into a call: tus only
    ],
)
def test_what_cannot_be_kept_is_refused_before_a_byte(api, body, status, code):
    answer = api.post("/api/v1/direct-uploads", body, content_type="application/json")
    assert answer.status_code == status, answer.content
    assert answer.json()["code"] == code
    assert not DirectUpload.objects.exists()


def test_over_the_quota_is_refused_before_a_byte(api, settings):
    settings.STORAGE_QUOTA_BYTES = 1000
    answer = start(api, 5000)
    assert answer.status_code == 413
    assert answer.json()["code"] == "quota_exceeded"


def test_parts_that_are_not_this_uploads_are_refused(api):
    upload = start(api, len(PNG)).json()
    for numbers in ([0], [2], [-1], [], list(range(1, 102))):
        answer = signed(api, upload["id"], numbers)
        assert answer.status_code == 422, numbers


def test_another_members_forged_or_expired_upload_is_unknown(api, bob, s3_storage):
    upload = start(api, len(PNG)).json()
    theirs = Client(headers={"Authorization": f"Bearer {create_access_token(bob, 'x').secret}"})
    path = f"/api/v1/direct-uploads/{upload['id']}"
    assert theirs.get(path).status_code == 404
    assert signed(theirs, upload["id"], [1]).status_code == 404
    assert complete(theirs, upload["id"]).status_code == 404
    assert theirs.delete(path).status_code == 404
    for forged in ("0" * 32, "../../etc", "a" * 33, "%00"):
        assert api.get(f"/api/v1/direct-uploads/{forged}").status_code == 404
    DirectUpload.objects.filter(pk=upload["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert api.get(path).status_code == 404
    assert Client().get(path).status_code == 401


def test_giving_up_drops_the_parts(api):
    upload = start(api, len(PNG)).json()
    send_parts(api, upload, PNG)
    row = DirectUpload.objects.get(pk=upload["id"])
    assert api.delete(f"/api/v1/direct-uploads/{upload['id']}").status_code == 204
    assert not DirectUpload.objects.exists()
    with pytest.raises(filestore.FileMissing):
        multipart.parts(filestore.records, f"{row.folder}/{row.name}", row.store_upload)


def test_the_sweeper_aborts_uploads_past_their_expiry(api):
    upload = start(api, len(PNG)).json()
    send_parts(api, upload, PNG)
    row = DirectUpload.objects.get(pk=upload["id"])
    DirectUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert direct.sweep_expired() == 1
    assert not DirectUpload.objects.exists()
    with pytest.raises(filestore.FileMissing):
        multipart.parts(filestore.records, f"{row.folder}/{row.name}", row.store_upload)


def test_a_site_keeping_files_on_its_disk_sends_clients_to_resumable_uploads(
    alice_client, local_storage
):
    answer = alice_client.post(
        "/api/v1/direct-uploads", {"length": 100}, content_type="application/json"
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "not_available"
    assert "/api/v1/resumable/" in answer.json()["detail"]


def test_the_store_down_while_completing_changes_nothing(api, settings, s3_storage):
    upload = start(api, len(PNG)).json()
    send_parts(api, upload, PNG)
    point_at(settings, NOBODY)
    answer = complete(api, upload["id"])
    assert answer.status_code == 503
    assert DirectUpload.objects.get(pk=upload["id"]).state == "receiving"
    point_at(settings, s3_storage)
    assert complete(api, upload["id"]).status_code == 200
    assert Record.objects.count() == 1


def test_part_sizes_keep_within_ten_thousand_parts():
    assert direct.part_size_for(1) == 8 * MB
    assert direct.part_size_for(80 * 1024 * MB) == 9 * MB
    for length in (1, 8 * MB, 8 * MB + 1, 5 * 1024**4):
        parts = -(-length // direct.part_size_for(length))
        assert parts <= direct.MAX_PARTS


def test_two_completions_at_once_make_one_record(api):
    upload = start(api, len(PNG)).json()
    send_parts(api, upload, PNG)
    DirectUpload.objects.filter(pk=upload["id"]).update(state="checking")  # one is under way
    busy = complete(api, upload["id"])
    assert busy.status_code == 409
    assert busy.json()["code"] == "busy"
    assert not Record.objects.exists()
