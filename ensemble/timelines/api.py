"""The timelines API: a production's edit as JSON, its revisions, and its renders.

Everything here is for the project's leaders: another member gets 403 where the project
is visible to them, 404 where it is not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status

from ensemble.accounts.http import member
from ensemble.core.api import ERRORS
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn
from ensemble.core.refusals import Refused
from ensemble.projects.api.base import project_for
from ensemble.projects.services import require_leader
from ensemble.timelines import document, services
from ensemble.timelines.models import Render, Revision, Timeline

router = Router(tags=["timelines"])


class TimelineIn(JsonIn):
    title: str
    licence: str | None = None


class SaveIn(JsonIn):
    document: dict[str, Any]
    based_on: Id | None = None  # the revision this edit was made from: 409 if not the newest
    note: str = ""


class RenderIn(JsonIn):
    quality: str = "draft"  # "draft" (360p, quick) or "final" (a version of the production)
    revision: Id | None = None  # the newest by default
    # A draft of a part only (a preview): seconds of the production, both or neither.
    start: float | None = None
    end: float | None = None


class RevisionOut(Schema):
    number: int
    note: str
    restored_from: int | None
    saved_by: str | None
    saved_at: datetime
    seconds: float


class RevisionWithDocumentOut(RevisionOut):
    document: dict[str, Any]


class RenderOut(Schema):
    id: int
    timeline_id: int
    revision: int
    quality: str
    state: str
    progress: int
    failure_reason: str
    created_at: datetime
    finished_at: datetime | None
    seconds: float | None
    window_start: float | None  # a preview of part of the timeline
    window_end: float | None
    file_url: str | None  # a draft's file, for the leaders to play
    record_id: int | None  # a final render: the production's record
    version: int | None  # and the version it became


class TimelineOut(Schema):
    id: int
    project: str
    title: str
    licence: str
    production_id: int | None
    record_id: int | None
    revision: RevisionWithDocumentOut
    renders: list[RenderOut]


class CompareOut(Schema):
    older: int
    newer: int
    changes: list[str]


def revision_out(revision: Revision, *, with_document: bool = False) -> dict[str, Any]:
    out = {
        "number": revision.number,
        "note": revision.note,
        "restored_from": revision.restored_from,
        "saved_by": revision.saved_by.username if revision.saved_by else None,
        "saved_at": revision.saved_at,
        "seconds": document.length(revision.document),
    }
    if with_document:
        out["document"] = revision.document
    return out


def render_out(made: Render) -> dict[str, Any]:
    production = made.timeline.production
    ready_draft = made.quality == Render.Quality.DRAFT and made.state == Render.State.READY
    return {
        "id": made.pk,
        "timeline_id": made.timeline_id,
        "revision": made.revision.number,
        "quality": made.quality,
        "state": made.state,
        "progress": made.progress,
        "failure_reason": made.failure_reason,
        "created_at": made.created_at,
        "finished_at": made.finished_at,
        "seconds": made.seconds,
        "window_start": made.window_start,
        "window_end": made.window_end,
        "file_url": reverse("timelines:render_file", args=[made.pk]) if ready_draft else None,
        "record_id": production.record_id if production and made.version_id else None,
        "version": made.version.number if made.version else None,
    }


def timeline_out(timeline: Timeline) -> dict[str, Any]:
    renders = timeline.renders.select_related("revision", "version", "timeline__production")
    production = timeline.production
    return {
        "id": timeline.pk,
        "project": timeline.project.slug,
        "title": timeline.title,
        "licence": timeline.licence,
        "production_id": production.pk if production else None,
        "record_id": production.record_id if production else None,
        "revision": revision_out(services.revision_of(timeline), with_document=True),
        "renders": [render_out(r) for r in renders[:20]],
    }


def timeline_for(request: HttpRequest, timeline_id: int) -> Timeline:
    timeline = get_object_or_404(
        Timeline.objects.select_related("project__owner", "production__record"), pk=timeline_id
    )
    services.require_editor(member(request), timeline)
    return timeline


@router.get("/projects/{slug}/timelines", response={200: list[TimelineOut], **ERRORS})
def list_timelines(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The project's timelines, newest edit first (leaders only)."""
    project = project_for(request, slug)
    require_leader(member(request), project, what="see its edits")
    found = project.timelines.select_related("project", "production")
    return [timeline_out(t) for t in found]


@router.post("/projects/{slug}/timelines", response={201: TimelineOut, **ERRORS})
def create_timeline(request: HttpRequest, slug: str, body: TimelineIn) -> Status:
    """Start a timeline for a production of the project: a title card and the credits."""
    project = project_for(request, slug)
    made = services.create(project, by=member(request), title=body.title, licence=body.licence)
    return Status(201, timeline_out(made))


@router.get("/timelines/{timeline_id}", response={200: TimelineOut, **ERRORS})
def get_timeline(request: HttpRequest, timeline_id: Id) -> dict[str, Any]:
    """The timeline with its newest revision's document and its latest renders."""
    return timeline_out(timeline_for(request, timeline_id))


@router.put("/timelines/{timeline_id}", response={200: RevisionWithDocumentOut, **ERRORS})
def save_timeline(request: HttpRequest, timeline_id: Id, body: SaveIn) -> dict[str, Any]:
    """Save the document as the next revision. `based_on` (recommended): the revision
    you edited; if someone saved another since, 409 `stale_revision` and nothing saved."""
    timeline = timeline_for(request, timeline_id)
    revision = services.save(
        timeline, body.document, by=member(request), based_on=body.based_on, note=body.note
    )
    return revision_out(revision, with_document=True)


@router.get("/timelines/{timeline_id}/revisions", response={200: list[RevisionOut], **ERRORS})
def list_revisions(request: HttpRequest, timeline_id: Id) -> list[dict[str, Any]]:
    timeline = timeline_for(request, timeline_id)
    return [revision_out(r) for r in timeline.revisions.select_related("saved_by")]


@router.get(
    "/timelines/{timeline_id}/revisions/{number}",
    response={200: RevisionWithDocumentOut, **ERRORS},
)
def get_revision(request: HttpRequest, timeline_id: Id, number: Id) -> dict[str, Any]:
    timeline = timeline_for(request, timeline_id)
    return revision_out(services.revision_of(timeline, number), with_document=True)


@router.post(
    "/timelines/{timeline_id}/revisions/{number}/restore",
    response={201: RevisionWithDocumentOut, **ERRORS},
)
def restore_revision(request: HttpRequest, timeline_id: Id, number: Id) -> Status:
    """Save an old revision again as the newest."""
    timeline = timeline_for(request, timeline_id)
    revision = services.restore(timeline, number, by=member(request))
    return Status(201, revision_out(revision, with_document=True))


@router.get("/timelines/{timeline_id}/compare", response={200: CompareOut, **ERRORS})
def compare_revisions(
    request: HttpRequest, timeline_id: Id, older: Id, newer: Id | None = None
) -> dict[str, Any]:
    """What changed between two revisions (the newest by default), a line per change."""
    timeline = timeline_for(request, timeline_id)
    a = services.revision_of(timeline, older)
    b = services.revision_of(timeline, newer)
    return {"older": a.number, "newer": b.number, "changes": services.compare(a, b)}


@router.post("/timelines/{timeline_id}/renders", response={202: RenderOut, **ERRORS})
def start_render(request: HttpRequest, timeline_id: Id, body: RenderIn) -> Status:
    """Queue a draft or final render; follow it at `GET /renders/{id}`."""
    timeline = timeline_for(request, timeline_id)
    window = None
    if body.start is not None or body.end is not None:
        if body.start is None or body.end is None:
            raise Refused("Give both start and end for a preview, or neither.", field="start")
        window = (body.start, body.end)
    made = services.start_render(
        timeline, by=member(request), quality=body.quality, revision=body.revision, window=window
    )
    return Status(202, render_out(made))


@router.get("/renders/{render_id}", response={200: RenderOut, **ERRORS})
def get_render(request: HttpRequest, render_id: Id) -> dict[str, Any]:
    """Where a render stands: queued, rendering (with its progress), ready or failed
    (with the reason, naming the clip at fault)."""
    made = get_object_or_404(
        Render.objects.select_related(
            "timeline__project__owner", "timeline__production", "revision", "version"
        ),
        pk=render_id,
    )
    services.require_editor(member(request), made.timeline)
    return render_out(made)
