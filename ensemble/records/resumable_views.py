"""`/api/v1/resumable/`: tus 1.0 (core, creation, termination, checksum, expiration).

https://tus.io/protocols/resumable-upload: POST creates an upload, HEAD says how many
bytes arrived, PATCH appends, DELETE gives up, OPTIONS says what the server does. The
protocol's own headers and statuses, so any tus client works (tus-js-client, tuspy);
refusals also carry the API's JSON error shape (`detail`, `code`). Members only: a bearer
token, or the browser's session with its CSRF token (X-CSRFToken), as the rest of the API.
What the uploads become, and every check: records.resumable.
"""

from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from ninja.utils import check_csrf

from ensemble.accounts import suspension
from ensemble.accounts.http import bearer_token
from ensemble.accounts.models import User
from ensemble.accounts.services import user_for_token
from ensemble.core import ratelimit
from ensemble.core.refusals import Refused
from ensemble.records import resumable
from ensemble.records.models import ResumableUpload

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum,expiration"


def _answer(status: int, **headers: str) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refused(status: int, detail: str, code: str) -> JsonResponse:
    response = JsonResponse({"detail": detail, "code": code}, status=status)
    response["Tus-Resumable"] = VERSION
    response["Cache-Control"] = "no-store"
    return response


def _who(request: HttpRequest) -> User | JsonResponse:
    """The member sending, or the refusal: a bad token is a 401, never a visitor."""
    if bearer_token(request) is not None:
        user = user_for_token(bearer_token(request) or "")
        if user is None:
            return _refused(
                401, "This token is not valid; it may have been revoked.", "unauthorized"
            )
        request.user = user  # rate limits count the member
    elif isinstance(request.user, User) and request.user.is_active:
        user = request.user
        if request.method not in ("HEAD", "OPTIONS") and check_csrf(request) is not None:
            return _refused(403, "The CSRF token is missing or wrong.", "csrf")
    else:
        return _refused(401, "Sign in, or send a bearer token.", "unauthorized")
    if suspension.refuses(request, user):
        return _refused(403, suspension.message(user), "suspended")
    return user


def _int_header(request: HttpRequest, name: str) -> int | None:
    raw = request.headers.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 20 else None


def _state_headers(upload: ResumableUpload) -> dict[str, str]:
    headers = {
        "Upload_Offset": str(upload.offset),
        "Upload_Length": str(upload.length),
        "Upload_Expires": http_date(upload.expires_at.timestamp()),
    }
    if upload.record_id is not None:
        headers["Ensemble_Record"] = f"/api/v1/records/{upload.record_id}"
    return headers


@csrf_exempt
def uploads(request: HttpRequest) -> HttpResponse:
    """OPTIONS: what this server does. POST: a new upload."""
    if request.method == "OPTIONS":
        return _answer(
            204,
            Tus_Version=VERSION,
            Tus_Extension=EXTENSIONS,
            Tus_Max_Size=str(resumable.largest_upload()),
            Tus_Checksum_Algorithm=",".join(resumable.CHECKSUMS),
        )
    if request.method != "POST":
        return _refused(
            405, "Use POST to start an upload (OPTIONS says more).", "method_not_allowed"
        )
    user = _member_speaking_tus(request)
    if not isinstance(user, User):
        return user
    length = _int_header(request, "Upload-Length")
    if length is None:
        return _refused(400, "Say the file's size in Upload-Length.", "invalid")
    try:
        ratelimit.limit_write(request, "upload")
        metadata = resumable.parse_metadata(request.headers.get("Upload-Metadata", ""))
        upload = resumable.create(user, length, metadata)
    except Refused as refused:
        return _refused(refused.status, refused.message, refused.code)
    except ratelimit.RateLimited as limited:
        response = _refused(
            429, "Too many uploads started; wait a little and try again.", "rate_limited"
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    location = request.build_absolute_uri(reverse("tus_upload", args=[upload.pk]))
    return _answer(201, Location=location, **_state_headers(upload))


@csrf_exempt
def upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    """HEAD: where it stands. PATCH: more bytes. DELETE: give up."""
    if request.method == "OPTIONS":
        return uploads(request)
    if request.method not in ("HEAD", "PATCH", "DELETE"):
        return _refused(405, "Use HEAD, PATCH or DELETE on an upload.", "method_not_allowed")
    user = _member_speaking_tus(request)
    if not isinstance(user, User):
        return user
    found = resumable.mine(user, upload_id)
    if found is None:
        return _refused(404, "There is no such upload (or it expired).", "not_found")
    if request.method == "DELETE":
        resumable.terminate(found)
        return _answer(204)
    if request.method == "HEAD":
        if found.state == ResumableUpload.State.REFUSED:
            return _refused(410, f"This upload was refused: {found.failure}", "gone")
        try:
            found = resumable.finish_if_whole(found)
        except Refused as refused:
            return _refused(refused.status, refused.message, refused.code)
        return _answer(200, **_state_headers(found))
    return _patch(request, found)


def _patch(request: HttpRequest, found: ResumableUpload) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _refused(
            415, "Send the bytes as application/offset+octet-stream.", "unsupported_media_type"
        )
    offset = _int_header(request, "Upload-Offset")
    if offset is None:
        return _refused(400, "Say where these bytes go in Upload-Offset.", "invalid")
    checksum = _checksum(request.headers.get("Upload-Checksum"))
    if isinstance(checksum, JsonResponse):
        return checksum
    size = _int_header(request, "Content-Length")
    try:
        found = resumable.receive(found, offset, request, size, checksum)
    except Refused as refused:
        return _refused(refused.status, refused.message, refused.code)
    return _answer(204, **_state_headers(found))


def _checksum(header: str | None) -> tuple[str, bytes] | JsonResponse | None:
    if header is None:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm not in resumable.CHECKSUMS:
        return _refused(400, f"Checksums we check: {', '.join(resumable.CHECKSUMS)}.", "invalid")
    try:
        return algorithm, base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return _refused(400, "Upload-Checksum's value is not base64.", "invalid")


def _member_speaking_tus(request: HttpRequest) -> User | HttpResponse:
    """Who sends (`_who`), then whether they speak our tus: the member, or the refusal."""
    user = _who(request)
    if not isinstance(user, User):
        return user
    refusal = _protocol(request)
    return user if refusal is None else refusal


def _protocol(request: HttpRequest) -> HttpResponse | None:
    if request.headers.get("Tus-Resumable") != VERSION:
        response = _refused(412, f"This server speaks tus {VERSION}.", "precondition_failed")
        response["Tus-Version"] = VERSION
        return response
    return None
