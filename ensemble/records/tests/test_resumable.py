"""Resumable uploads (tus 1.0) at /api/v1/resumable/: the protocol, the checks as the bytes
arrive, and every hostile or broken request refused with nothing kept."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ensemble.accounts.services import create_access_token
from ensemble.records import resumable
from ensemble.records.models import Record, ResumableUpload

pytestmark = pytest.mark.django_db
TUS = {"Tus-Resumable": "1.0.0"}


def noisy_png() -> bytes:
    """A PNG of some 100 KB: noise does not compress, so it takes several pieces."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((200, 200), 60) for _ in range(3)]).save(out, "PNG")
    return out.getvalue()


PNG = noisy_png()


def meta(**fields: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())


@pytest.fixture
def token(alice) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(alice, 'tus').secret}", **TUS}


def start(client: Client, headers: dict[str, str], length: int = len(PNG), **fields: str):
    extra = {"Upload-Length": str(length), **headers}
    if fields:
        extra["Upload-Metadata"] = meta(**fields)
    return client.post("/api/v1/resumable/", headers=extra)


def send(client: Client, location: str, headers: dict, offset: int, data: bytes, **more: str):
    return client.generic(
        "PATCH",
        location,
        data=data,
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": str(offset), **headers, **more},
    )


def path_of(location: str) -> str:
    return location.removeprefix("http://testserver")


def test_the_server_says_what_it_speaks(client):
    answer = client.options("/api/v1/resumable/")
    assert answer.status_code == 204
    assert answer["Tus-Version"] == "1.0.0"
    assert set(answer["Tus-Extension"].split(",")) == {
        "creation",
        "termination",
        "checksum",
        "expiration",
    }
    assert int(answer["Tus-Max-Size"]) == resumable.largest_upload()
    assert "sha1" in answer["Tus-Checksum-Algorithm"].split(",")


def test_a_file_sent_in_pieces_becomes_a_draft_record(client, token, alice, tasks):
    made = start(client, token, filename="harbour.png", title="Harbour", tags="sea, dawn")
    assert made.status_code == 201, made.content
    where = path_of(made["Location"])
    assert client.head(where, headers=token)["Upload-Offset"] == "0"

    first = send(client, where, token, 0, PNG[:1000])
    assert first.status_code == 204
    assert first["Upload-Offset"] == "1000"
    assert "Ensemble-Record" not in first
    # The connection dropped: the client asks where it stands and goes on from there.
    assert client.head(where, headers=token)["Upload-Offset"] == "1000"
    last = send(client, where, token, 1000, PNG[1000:])
    assert last.status_code == 204
    assert last["Upload-Offset"] == str(len(PNG))
    record = Record.objects.get()
    assert last["Ensemble-Record"] == f"/api/v1/records/{record.pk}"
    assert (record.owner, record.title, record.visibility) == (alice, "Harbour", "draft")
    assert sorted(record.tags.values_list("name", flat=True)) == ["dawn", "sea"]
    tasks()
    record.refresh_from_db()
    assert record.current_version.sha256 == hashlib.sha256(PNG).hexdigest()
    assert not resumable.part_path(ResumableUpload.objects.get()).exists()
    assert client.head(where, headers=token)["Ensemble-Record"] == f"/api/v1/records/{record.pk}"


def test_bytes_sent_to_the_wrong_offset_are_refused_and_not_kept(client, token):
    where = path_of(start(client, token)["Location"])
    send(client, where, token, 0, PNG[:500])
    again = send(client, where, token, 0, PNG[:500])  # a retry of what already arrived
    assert again.status_code == 409
    assert again.json()["code"] == "offset_mismatch"
    assert client.head(where, headers=token)["Upload-Offset"] == "500"
    assert resumable.part_path(ResumableUpload.objects.get()).stat().st_size == 500


def test_checksums_are_checked_and_a_mismatch_keeps_nothing(client, token):
    where = path_of(start(client, token)["Location"])
    good = base64.b64encode(hashlib.sha1(PNG[:800], usedforsecurity=False).digest()).decode()
    assert (
        send(client, where, token, 0, PNG[:800], **{"Upload-Checksum": f"sha1 {good}"}).status_code
        == 204
    )
    wrong = base64.b64encode(hashlib.sha1(b"other", usedforsecurity=False).digest()).decode()
    refused = send(client, where, token, 800, PNG[800:], **{"Upload-Checksum": f"sha1 {wrong}"})
    assert refused.status_code == 460
    assert client.head(where, headers=token)["Upload-Offset"] == "800"
    assert (
        send(client, where, token, 800, PNG[800:], **{"Upload-Checksum": "crc32 AAAA"}).status_code
        == 400
    )
    assert (
        send(client, where, token, 800, PNG[800:], **{"Upload-Checksum": "sha1 %%%"}).status_code
        == 400
    )
    assert not Record.objects.exists()


def test_a_type_we_do_not_take_ends_the_upload_at_its_first_bytes(client, token, settings):
    junk = b"MZ\x90\x00" + bytes(range(256)) * 40  # a Windows program
    where = path_of(start(client, token, length=len(junk) * 100)["Location"])
    refused = send(client, where, token, 0, junk)
    assert refused.status_code == 415
    gone = client.head(where, headers=token)
    assert gone.status_code == 410
    upload = ResumableUpload.objects.get()
    assert not resumable.part_path(upload).exists()
    assert send(client, where, token, len(junk), junk).status_code == 410


def test_a_kind_over_its_own_limit_is_refused_at_its_first_bytes(client, token, settings):
    settings.RECORD_MAX_BYTES = {**settings.RECORD_MAX_BYTES, "image": 50_000}
    where = path_of(start(client, token)["Location"])  # some 100 KB, said at the start
    refused = send(client, where, token, 0, PNG[:10_000])  # enough to tell it is a PNG
    assert refused.status_code == 413
    assert "at most" in refused.json()["detail"]


def test_what_the_record_cannot_be_is_said_when_the_last_byte_arrives(client, token):
    where = path_of(start(client, token, kind="audio")["Location"])
    refused = send(client, where, token, 0, PNG)
    assert refused.status_code == 422
    assert "not an audio" in refused.json()["detail"]
    assert client.head(where, headers=token).status_code == 410
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"Upload-Length": "10"}, 412, "precondition_failed"),  # no Tus-Resumable
        ({**TUS}, 400, "invalid"),  # no Upload-Length
        ({**TUS, "Upload-Length": "-5"}, 400, "invalid"),
        ({**TUS, "Upload-Length": "0"}, 422, "empty_file"),
        ({**TUS, "Upload-Length": "9" * 30}, 400, "invalid"),
        ({**TUS, "Upload-Length": str(10**13)}, 413, "too_large"),
        ({**TUS, "Upload-Length": "10", "Upload-Metadata": "filename ***"}, 400, "invalid"),
        ({**TUS, "Upload-Length": "10", "Upload-Metadata": "owner YWxpY2U="}, 400, "invalid"),
        ({**TUS, "Upload-Length": "10", "Upload-Metadata": meta(licence="mine")}, 422, None),
        ({**TUS, "Upload-Length": "10", "Upload-Metadata": meta(kind="hologram")}, 422, None),
        ({**TUS, "Upload-Length": "10", "Upload-Metadata": meta(title="a\u202eb")}, 422, None),
    ],
)
def test_broken_starts_are_refused_and_nothing_is_made(client, token, headers, status, code):
    answer = client.post(
        "/api/v1/resumable/", headers={"Authorization": token["Authorization"], **headers}
    )
    assert answer.status_code == status, answer.content
    if code:
        assert answer.json()["code"] == code
    assert not ResumableUpload.objects.exists()


def test_an_upload_over_the_quota_is_refused_before_any_byte(client, token, settings):
    settings.STORAGE_QUOTA_BYTES = 1000
    refused = start(client, token, length=5000)
    assert refused.status_code == 413
    assert refused.json()["code"] == "quota_exceeded"


def test_bytes_past_the_length_are_refused_and_not_kept(client, token):
    where = path_of(start(client, token, length=100)["Location"])
    refused = send(client, where, token, 0, PNG[:150])
    assert refused.status_code == 413
    assert client.head(where, headers=token)["Upload-Offset"] == "0"


def test_only_its_member_sees_or_touches_an_upload(client, token, bob, carol):
    where = path_of(start(client, token)["Location"])
    others = {"Authorization": f"Bearer {create_access_token(bob, 'x').secret}", **TUS}
    assert client.head(where, headers=others).status_code == 404
    assert send(client, where, others, 0, PNG[:10]).status_code == 404
    assert client.delete(where, headers=others).status_code == 404
    assert client.head(where, headers=TUS).status_code == 401  # nobody
    assert (
        client.head(where, headers={**TUS, "Authorization": "Bearer ens_nope"}).status_code == 401
    )
    assert start(client, TUS).status_code == 401
    assert ResumableUpload.objects.get().offset == 0


def test_a_signed_in_browser_needs_its_csrf_token(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get("/records/new")  # sets the CSRF cookie, as the upload page does
    refused = start(browser, TUS)
    assert refused.status_code == 403
    token = browser.cookies["csrftoken"].value
    assert start(browser, {**TUS, "X-CSRFToken": token}).status_code == 201


def test_a_suspended_member_cannot_upload(client, token, alice):
    from ensemble.accounts.models import User

    User.objects.filter(pk=alice.pk).update(suspended_until=timezone.now() + timedelta(days=3))
    refused = start(client, token)
    assert refused.status_code == 403
    assert refused.json()["code"] == "suspended"


def test_giving_up_removes_the_bytes(client, token):
    where = path_of(start(client, token)["Location"])
    send(client, where, token, 0, PNG[:100])
    part = resumable.part_path(ResumableUpload.objects.get())
    assert client.delete(where, headers=token).status_code == 204
    assert not part.exists()
    assert client.head(where, headers=token).status_code == 404


def test_the_wrong_kind_of_body_or_method_is_refused(client, token):
    where = path_of(start(client, token)["Location"])
    wrong = client.generic(
        "PATCH",
        where,
        data=PNG,
        content_type="image/png",
        headers={"Upload-Offset": "0", **token},
    )
    assert wrong.status_code == 415
    assert send(client, where, token, 0, PNG, **{"Upload-Offset": "x"}).status_code == 400
    assert client.get(where, headers=token).status_code == 405
    assert client.get("/api/v1/resumable/", headers=token).status_code == 405


def test_expired_uploads_are_swept_with_their_bytes(client, token):
    where = path_of(start(client, token)["Location"])
    send(client, where, token, 0, PNG[:100])
    upload = ResumableUpload.objects.get()
    part = resumable.part_path(upload)
    assert resumable.sweep_expired() == 0
    ResumableUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert resumable.sweep_expired() == 1
    assert not part.exists()
    assert client.head(where, headers=token).status_code == 404


def test_two_writers_at_once_are_refused(client, token):
    where = path_of(start(client, token)["Location"])
    upload = ResumableUpload.objects.get()
    with resumable.writing(upload):  # another request is sending bytes
        busy = send(client, where, token, 0, PNG[:100])
    assert busy.status_code == 409
    assert busy.json()["code"] == "busy"
    assert Path(resumable.part_path(upload)).stat().st_size == 0


@pytest.mark.parametrize(
    "forged",
    ["0" * 32, "nope", "x" * 200, "..%2F..%2Fetc%2Fpasswd", "%00", "' OR 1=1 --"],
)
def test_a_forged_upload_address_is_unknown(client, token, forged):
    start(client, token)
    assert client.head(f"/api/v1/resumable/{forged}", headers=token).status_code == 404
    assert send(client, f"/api/v1/resumable/{forged}", token, 0, PNG[:10]).status_code == 404
    assert ResumableUpload.objects.get().offset == 0


def test_a_finished_upload_takes_no_more_bytes(client, token):
    where = path_of(start(client, token)["Location"])
    send(client, where, token, 0, PNG)
    again = send(client, where, token, len(PNG), PNG[:10])
    assert again.status_code == 410
    assert "became a record" in again.json()["detail"]
    assert Record.objects.count() == 1


def test_an_expired_upload_is_gone_before_it_is_swept(client, token):
    where = path_of(start(client, token)["Location"])
    ResumableUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.head(where, headers=token).status_code == 404
    assert send(client, where, token, 0, PNG[:10]).status_code == 404
