"""`/api/v1/direct-uploads`: big files sent straight to the bucket (records.direct).

1. `POST /direct-uploads` with the file's length and what the record will be: the
   upload's id, its part size and number of parts (409 `not_available` when the site
   keeps files on its own disk: use `/resumable/` there).
2. `POST /direct-uploads/{id}/parts` with part numbers: an address for each, to PUT
   exactly that part's bytes to (the store refuses any other size), for a while.
3. `POST /direct-uploads/{id}/complete`: checked, completed, examined; the draft record.
   `GET /direct-uploads/{id}` says which parts the store holds, to resume after a
   dropped connection; `DELETE` gives up.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Status
from pydantic import ConfigDict

from ensemble.accounts.http import member
from ensemble.core import ratelimit
from ensemble.core.api import FILE_ERRORS as ERRORS
from ensemble.core.ids import Int64
from ensemble.core.json_in import JsonIn
from ensemble.records import direct
from ensemble.records.models import DirectUpload

router = Router(tags=["records"])


class DirectUploadIn(JsonIn):
    # A field it does not know is refused, not dropped: `call` (an entry into a call)
    # is tus's only, and must not quietly make a bare draft instead.
    model_config = ConfigDict(strict=True, extra="forbid")

    length: Int64 = Field(description="The file's size in bytes.")
    filename: str = ""
    title: str = ""
    description: str = ""
    tags: str = Field("", description="Comma-separated.")
    licence: str = Field("", description="One of the licences; empty for the default.")
    kind: str = Field("", description="What the file must be; empty to take what it is.")


class PartsIn(JsonIn):
    numbers: list[Int64] = Field(description=f"1 to {direct.SIGN_AT_ONCE} part numbers.")


class SignedPartOut(JsonIn):
    number: int
    size: int
    url: str


class SignedPartsOut(JsonIn):
    parts: list[SignedPartOut]


class DirectUploadOut(JsonIn):
    id: str
    length: int
    part_size: int
    parts: int
    received: list[int] = Field(description="The parts the store holds, of the right size.")
    state: str
    failure: str
    record_id: int | None
    expires_at: str


def _out(upload: DirectUpload, received: list[int] | None = None) -> dict[str, Any]:
    return {
        "id": upload.pk,
        "length": upload.length,
        "part_size": upload.part_size,
        "parts": upload.parts,
        "received": received or [],
        "state": upload.state,
        "failure": upload.failure,
        "record_id": upload.record_id,
        "expires_at": upload.expires_at.isoformat(),
    }


def _mine(request: HttpRequest, upload_id: str) -> DirectUpload:
    found = direct.mine(member(request), upload_id)
    if found is None:
        raise Http404
    return found


@router.post(
    "/direct-uploads", response={201: DirectUploadOut, **ERRORS}, url_name="direct_uploads"
)
def create(request: HttpRequest, body: DirectUploadIn) -> Status:
    """Start an upload straight to the bucket (sites that keep files in S3)."""
    ratelimit.limit_write(request, "upload")
    metadata = body.dict(exclude={"length"})
    upload = direct.create(member(request), body.length, metadata)
    return Status(201, _out(upload))


@router.get("/direct-uploads/{upload_id}", response={200: DirectUploadOut, **ERRORS})
def show(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    """Where an upload stands, and which of its parts the store holds."""
    upload = _mine(request, upload_id)
    return _out(upload, direct.received(upload))


@router.post("/direct-uploads/{upload_id}/parts", response={200: SignedPartsOut, **ERRORS})
def sign_parts(request: HttpRequest, upload_id: str, body: PartsIn) -> dict[str, Any]:
    """Addresses to PUT these parts to, each for exactly its size."""
    return {"parts": direct.sign(_mine(request, upload_id), list(body.numbers))}


@router.post("/direct-uploads/{upload_id}/complete", response={200: DirectUploadOut, **ERRORS})
def complete(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    """Every part sent: the file is checked and becomes a draft record (`record_id`)."""
    ratelimit.limit_write(request, "upload")
    return _out(direct.complete(_mine(request, upload_id)))


@router.delete("/direct-uploads/{upload_id}", response={204: None, **ERRORS})
def abort(request: HttpRequest, upload_id: str) -> Status:
    """Give the upload up: what the store holds of it goes."""
    direct.abort(_mine(request, upload_id))
    return Status(204, None)
