"""The records API: the same services as the pages, typed, errors in the one shape.

The list, `GET /records`, filters by other apps too: it is in `front/api.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.core import ratelimit
from ensemble.core.api import FILE_ERRORS as ERRORS
from ensemble.core.api import ApiError, choices_schema
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn, Lax
from ensemble.records import access, cocreators, services
from ensemble.records.intake import title_from_name
from ensemble.records.models import CoCreator, Licence, Record, Version
from ensemble.records.present import Versions, media_for, versions_of
from ensemble.records.uploads import upload_was_refused

router = Router(tags=["records"])

RecordKind = Annotated[Record.Kind, Lax, choices_schema(Record.Kind, "RecordKind")]


class MediaOut(Schema):
    thumb: str | None
    image: str | None
    full: str | None
    poster: str | None
    play: str | None
    play_type: str | None
    waveform: str | None
    download: str | None


class VersionOut(Schema):
    number: int
    state: str
    progress: int
    failure_reason: str
    change_note: str
    created_at: datetime
    ready_at: datetime | None
    size: int
    label: str
    mime: str
    original_name: str
    metadata: dict[str, Any]


class OwnerOut(Schema):
    username: str
    name: str


class CoCreatorOut(Schema):
    id: int
    username: str
    state: str


class RecordOut(Schema):
    id: int
    url: str
    kind: str
    title: str
    description: str
    description_html: str
    tags: list[str]
    licence: str
    visibility: str
    deleted: bool
    owner: OwnerOut
    cocreators: list[CoCreatorOut]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version_count: int
    heart_count: int
    current_version: VersionOut | None
    latest_version: VersionOut | None
    media: MediaOut


class RecordPage(Schema):
    items: list[RecordOut]
    next_cursor: str | None
    next_page: int | None = None  # with a `sort` other than newest


class RecordPatch(JsonIn):
    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    licence: Annotated[Licence, Lax] | None = None


class InviteIn(JsonIn):
    username: str


def for_output() -> Any:
    """Records with what `record_out` reads, so a list costs a fixed number of queries."""
    return Record.objects.select_related("owner", "current_version").prefetch_related(
        "tags",
        Prefetch("cocreators", queryset=CoCreator.objects.select_related("user")),
        "current_version__renditions",
    )


def record_out(record: Record, viewer: Any, versions: Versions | None = None) -> dict[str, Any]:
    """A record as JSON for this viewer (co-creator invitations only for the owner).

    One record's endpoints pass `versions` (`present.versions_of`): the newest version and
    the shown one read in one statement, so `latest_version` is never "ready" while
    `current_version` and the media are still empty. Lists show the current version.
    """
    owner_view = access.is_owner(viewer, record)
    current = versions.current if versions is not None else record.current_version
    latest = current
    if versions is not None and access.is_creator(viewer, record):
        latest = versions.latest  # uploads in progress (names, notes) are for their creators
    if record.is_deleted:  # a tombstone: who and what it was, nothing of its content
        current = latest = None
    return {
        "id": record.pk,
        "url": record.get_absolute_url(),
        "kind": record.kind,
        "title": record.title,
        "description": record.description,
        "description_html": record.description_html,
        "tags": [t.name for t in record.tags.all()],
        "licence": record.licence,
        "visibility": record.visibility,
        "deleted": record.is_deleted,
        "owner": {"username": record.owner.username, "name": record.owner.name},
        "cocreators": [
            {"id": c.pk, "username": c.user.username, "state": c.state}
            for c in record.cocreators.all()
            if owner_view or c.state == CoCreator.State.ACCEPTED
        ],
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "published_at": record.published_at,
        "version_count": record.version_count,
        "heart_count": record.heart_count,
        "current_version": current,
        "latest_version": latest,
        "media": media_for(current, record, viewer).as_dict(),
    }


def _visible(request: HttpRequest, record_id: int) -> Record:
    record = get_object_or_404(for_output(), pk=record_id)
    if not access.can_view_or_tombstone(http.api_viewer(request), record):
        raise Http404
    return record


@router.post("/records", response={201: RecordOut, **ERRORS}, url_name="create_record")
def create_record(
    request: HttpRequest,
    title: Form[str] = "",
    description: Form[str] = "",
    tags: Form[str] = "",
    licence: Form[Licence] = Licence.ACCORD,
    kind: Form[RecordKind | None] = None,
    text: Form[str | None] = None,
    file: File[UploadedFile | None] = None,
) -> Status:
    """Create a draft record from a file (multipart) or a text. Processing starts at once;
    poll the record until `latest_version.state` is `ready` or `failed`.

    `tags` are comma-separated. Without a title, a file's name gives one.
    """
    ratelimit.limit_write(request, "upload")
    if upload_was_refused(request):
        raise ApiError(413, "The file is larger than any upload we accept.", "too_large")
    if file is None and text is None:
        raise ApiError(422, "Send a file (multipart) or a text.", "invalid")
    record = services.create_record(
        member(request),
        title=title or (title_from_name(file.name or "") if file is not None else ""),
        description=description,
        tags=tags,
        licence=licence,
        kind=kind,
        upload=file,
        text=text,
    )
    record = for_output().get(pk=record.pk)
    return Status(201, record_out(record, member(request), versions_of(record)))


@router.get("/records/{record_id}", response={200: RecordOut, **ERRORS}, auth=None)
def get_record(request: HttpRequest, record_id: Id) -> dict[str, Any]:
    """One record, with its processing state and the URLs of its media."""
    record = _visible(request, record_id)
    return record_out(record, http.api_viewer(request), versions_of(record))


@router.patch("/records/{record_id}", response={200: RecordOut, **ERRORS})
def update_record(request: HttpRequest, record_id: Id, patch: RecordPatch) -> dict[str, Any]:
    record = _visible(request, record_id)
    changes = patch.dict(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise ApiError(422, f'{name}: null is not a value; send "" or [] to clear.')
    services.update_record(record, by=member(request), **changes)
    record = for_output().get(pk=record.pk)
    return record_out(record, member(request), versions_of(record))


@router.delete("/records/{record_id}", response={204: None, **ERRORS})
def delete_record(request: HttpRequest, record_id: Id) -> Status:
    """Delete: the record becomes a tombstone (files gone; id, owner and title stay)."""
    services.delete_record(_visible(request, record_id), by=member(request))
    return Status(204, None)


@router.post("/records/{record_id}/publish", response={200: RecordOut, **ERRORS})
def publish_record(request: HttpRequest, record_id: Id) -> dict[str, Any]:
    record = services.publish(_visible(request, record_id), by=member(request))
    record = for_output().get(pk=record.pk)
    return record_out(record, member(request), versions_of(record))


@router.get("/records/{record_id}/versions", response={200: list[VersionOut], **ERRORS}, auth=None)
def list_versions(request: HttpRequest, record_id: Id) -> list[Version]:
    record = _visible(request, record_id)
    if record.is_deleted:
        raise ApiError(410, "This record was deleted.", "gone")
    versions = Version.objects.filter(record=record)
    if not access.is_creator(http.api_viewer(request), record):
        versions = versions.filter(state=Version.State.READY)
    return list(versions)


@router.post("/records/{record_id}/versions", response={201: VersionOut, **ERRORS})
def add_version(
    request: HttpRequest,
    record_id: Id,
    change_note: Form[str] = "",
    text: Form[str | None] = None,
    file: File[UploadedFile | None] = None,
) -> Status:
    """Upload a new version (same kind as the record) with a change note."""
    ratelimit.limit_write(request, "upload")
    if upload_was_refused(request):
        raise ApiError(413, "The file is larger than any upload we accept.", "too_large")
    record = _visible(request, record_id)
    version = services.add_version(
        record, by=member(request), upload=file, text=text, change_note=change_note
    )
    return Status(201, version)


@router.post("/records/{record_id}/cocreators", response={201: CoCreatorOut, **ERRORS})
def invite_cocreator(request: HttpRequest, record_id: Id, body: InviteIn) -> Status:
    record = _visible(request, record_id)
    user = User.objects.with_username(body.username.strip().lstrip("@")).first()
    if user is None:
        raise ApiError(404, f"There is no member called @{body.username}.", "no_such_member")
    cocreator = cocreators.invite_cocreator(record, by=member(request), user=user)
    return Status(201, {"id": cocreator.pk, "username": user.username, "state": cocreator.state})


def _invitation(request: HttpRequest, record_id: int, cocreator_id: int) -> CoCreator:
    cocreator = get_object_or_404(
        CoCreator.objects.select_related("record__owner", "user"),
        pk=cocreator_id,
        record_id=record_id,
    )
    if member(request).pk not in (cocreator.user_id, cocreator.record.owner_id):
        raise Http404
    return cocreator


@router.post(
    "/records/{record_id}/cocreators/{cocreator_id}/accept", response={200: CoCreatorOut, **ERRORS}
)
def accept_invitation(request: HttpRequest, record_id: Id, cocreator_id: Id) -> dict[str, Any]:
    cocreator = cocreators.answer_invitation(
        _invitation(request, record_id, cocreator_id), by=member(request), accept=True
    )
    return {"id": cocreator.pk, "username": cocreator.user.username, "state": cocreator.state}


@router.post(
    "/records/{record_id}/cocreators/{cocreator_id}/decline", response={200: CoCreatorOut, **ERRORS}
)
def decline_invitation(request: HttpRequest, record_id: Id, cocreator_id: Id) -> dict[str, Any]:
    cocreator = cocreators.answer_invitation(
        _invitation(request, record_id, cocreator_id), by=member(request), accept=False
    )
    return {"id": cocreator.pk, "username": cocreator.user.username, "state": cocreator.state}


@router.delete("/records/{record_id}/cocreators/{cocreator_id}", response={204: None, **ERRORS})
def remove_cocreator(request: HttpRequest, record_id: Id, cocreator_id: Id) -> Status:
    cocreators.remove_cocreator(_invitation(request, record_id, cocreator_id), by=member(request))
    return Status(204, None)
