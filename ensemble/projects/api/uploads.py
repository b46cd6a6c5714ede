"""Uploads straight into a call: sent, watched while processed, entered or given up."""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile

from ensemble.accounts.http import member
from ensemble.core import params, ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError
from ensemble.core.ids import Id
from ensemble.projects import entry_uploads
from ensemble.projects.api.base import call_for, router
from ensemble.projects.models import EntryUpload
from ensemble.records.intake import title_from_name
from ensemble.records.models import Licence
from ensemble.records.uploads import upload_was_refused


class UploadOut(Schema):
    id: int
    call_id: int
    record_id: int
    record_title: str
    state: str  # the record's processing: uploaded, processing, ready, failed
    problem: str  # why it was not entered, when it was not
    created_at: datetime


def upload_out(waiting: EntryUpload, state: str) -> dict[str, Any]:
    return {
        "id": waiting.pk,
        "call_id": waiting.call_id,
        "record_id": waiting.record_id,
        "record_title": waiting.record.title,
        "state": state,
        "problem": waiting.problem,
        "created_at": waiting.created_at,
    }


def _resource_ids(raw: str | None) -> list[int] | None:
    if raw is None:
        return None  # not sent: cite every resource of the call
    numbers = params.ids(raw)  # ids a database integer holds, like every other id
    if numbers is None:
        raise ApiError(422, "resource_ids is a comma-separated list of record numbers.", "invalid")
    return numbers


@router.post("/calls/{call_id}/uploads", response={202: UploadOut, **ERRORS})
def upload_into_call(
    request: HttpRequest,
    call_id: Id,
    title: Form[str] = "",
    description: Form[str] = "",
    licence: Form[Licence | None] = None,
    text: Form[str | None] = None,
    resource_ids: Form[str | None] = None,
    file: File[UploadedFile | None] = None,
) -> Status:
    """Upload a file (multipart) or a text straight into a call. It becomes your draft
    record citing the call's resources (`resource_ids`, comma-separated; all of them
    when left out) and is published and entered as soon as it is processed, dated now.
    Refused like any entry (`call_closed`, `kind_not_accepted`, `resource_not_cited`,
    `entry_limit`), and then nothing is kept."""
    ratelimit.limit_write(request, "upload")
    if upload_was_refused(request):
        raise ApiError(413, "The file is larger than any upload we accept.", "too_large")
    if (file is None) == (text is None):
        raise ApiError(422, "Send a file (multipart) or a text, one of the two.", "invalid")
    waiting = entry_uploads.upload_entry(
        call_for(request, call_id),
        by=member(request),
        title=title or (title_from_name(file.name or "") if file is not None else ""),
        upload=file,
        text=text,
        description=description,
        licence=licence,
        resource_ids=_resource_ids(resource_ids),
    )
    return Status(202, upload_out(waiting, "uploaded"))


@router.get("/calls/{call_id}/uploads", response={200: list[UploadOut], **ERRORS})
def my_uploads(request: HttpRequest, call_id: Id) -> list[dict[str, Any]]:
    """Your uploads into the call not entered yet (entered ones are entries)."""
    waiting = entry_uploads.waiting_for(call_for(request, call_id), member(request))
    return [upload_out(w, w.version.state if w.version else "uploaded") for w in waiting]  # type: ignore[attr-defined]


@router.delete("/uploads/{upload_id}", response={204: None, **ERRORS})
def discard_upload(request: HttpRequest, upload_id: Id) -> Status:
    """Give up an upload not entered yet; the record stays your draft."""
    waiting = get_object_or_404(EntryUpload, pk=upload_id)
    if waiting.entrant_id != member(request).pk:
        raise Http404
    entry_uploads.discard(waiting, by=member(request))
    return Status(204, None)
