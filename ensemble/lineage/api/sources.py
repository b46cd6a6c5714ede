"""Sources (what a record uses or was inspired by) and "used in" (the works using it)."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError, choices_schema
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn, Lax
from ensemble.core.pagination import paginate
from ensemble.lineage import present, services
from ensemble.lineage.api.base import RecordRef, ref, router, visible_record
from ensemble.lineage.models import Source
from ensemble.records.models import Record

SourceKind = Annotated[Source.Kind, Lax, choices_schema(Source.Kind, "SourceKind")]
COUNT_CAP = present.COUNT_CAP


class SourceOut(Schema):
    source: RecordRef
    kind: str
    note: str
    part: str
    start_seconds: float | None
    end_seconds: float | None
    source_version: int | None
    source_licence: str
    created_at: datetime


class SourceIn(JsonIn):
    source_id: Id
    kind: SourceKind = Source.Kind.USES
    note: str
    part: str = ""
    start_seconds: float | None = None
    end_seconds: float | None = None


def source_out(edge: Source) -> dict[str, Any]:
    return {
        "source": ref(edge.source),
        "kind": edge.kind,
        "note": edge.note,
        "part": edge.part,
        "start_seconds": edge.start_seconds,
        "end_seconds": edge.end_seconds,
        "source_version": edge.source_version.number if edge.source_version else None,
        "source_licence": edge.source_licence,
        "created_at": edge.created_at,
    }


class SourcesPage(Schema):
    items: list[SourceOut]
    next_cursor: str | None
    count: int
    count_capped_at: int


@router.get("/records/{record_id}/sources", response={200: SourcesPage, **ERRORS}, auth=None)
def list_sources(
    request: HttpRequest,
    record_id: Id,
    cursor: str | None = None,
    limit: int = Query(24, ge=1, le=100),
) -> dict[str, Any]:
    """What this record uses or was inspired by, newest citation first, by cursor.
    Drafts you may not see are neither listed nor counted; `count` stops at
    `count_capped_at`."""
    record = visible_record(request, record_id)
    edges = present.sources(record, http.api_viewer(request))
    return _citations_page(edges, cursor, limit, source_out)


@router.post("/records/{record_id}/sources", response={201: SourceOut, **ERRORS})
def add_source(request: HttpRequest, record_id: Id, body: SourceIn) -> Status:
    """Cite a source. 409 with code `cycle` (the path named), `duplicate_source` or
    `licence_conflict` (the ancestor and the reason named); 404 for a source you
    cannot see."""
    derived = visible_record(request, record_id)
    source = Record.objects.select_related("owner").filter(pk=body.source_id).first()
    if source is None:
        raise ApiError(404, "There is no record with that number.", "not_found")
    edge = services.add_source(
        derived,
        source,
        by=member(request),
        kind=body.kind,
        note=body.note,
        part=body.part,
        start_seconds=body.start_seconds,
        end_seconds=body.end_seconds,
    )
    return Status(201, source_out(edge))


class UseOut(Schema):
    record: RecordRef  # the work that uses this one
    kind: str
    note: str
    part: str
    start_seconds: float | None
    end_seconds: float | None
    created_at: datetime


class UsedInPage(Schema):
    items: list[UseOut]
    next_cursor: str | None
    count: int
    count_capped_at: int


@router.get("/records/{record_id}/used-in", response={200: UsedInPage, **ERRORS}, auth=None)
def list_used_in(
    request: HttpRequest,
    record_id: Id,
    cursor: str | None = None,
    limit: int = Query(24, ge=1, le=100),
) -> dict[str, Any]:
    """The works that use this record or were inspired by it, newest first, by cursor.
    Drafts you may not see are neither listed nor counted; `count` stops at
    `count_capped_at`."""
    record = visible_record(request, record_id)
    edges = present.used_in(record, http.api_viewer(request))
    return _citations_page(edges, cursor, limit, use_out)


def use_out(edge: Source) -> dict[str, Any]:
    return {
        "record": ref(edge.derived),
        "kind": edge.kind,
        "note": edge.note,
        "part": edge.part,
        "start_seconds": edge.start_seconds,
        "end_seconds": edge.end_seconds,
        "created_at": edge.created_at,
    }


def _citations_page(
    edges: Any, cursor: str | None, limit: int, shape: Callable[[Source], dict[str, Any]]
) -> dict[str, Any]:
    """One page of citations by cursor, each as `shape` gives it, and how many in all
    (the sources and "used in" lists)."""
    page = paginate(edges, cursor=cursor, limit=limit)
    return {
        "items": [shape(e) for e in page.items],
        "next_cursor": page.next_cursor,
        "count": present.count_capped(edges),
        "count_capped_at": COUNT_CAP,
    }


class SourcePatch(JsonIn):
    note: str | None = None
    part: str | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None


@router.patch("/records/{record_id}/sources/{source_id}", response={200: SourceOut, **ERRORS})
def update_source(
    request: HttpRequest, record_id: Id, source_id: Id, patch: SourcePatch
) -> dict[str, Any]:
    """Change a citation's note, part or time range (send both ends of the range, or
    neither to clear it)."""
    derived = visible_record(request, record_id)
    edge = get_object_or_404(
        Source.objects.select_related("source__owner", "source_version", "derived"),
        derived=derived,
        source_id=source_id,
    )
    changes = patch.dict(exclude_unset=True)
    edge = services.update_source(
        edge,
        by=member(request),
        note=changes.get("note"),
        part=changes.get("part"),
        start_seconds=changes.get("start_seconds", edge.start_seconds),
        end_seconds=changes.get("end_seconds", edge.end_seconds),
    )
    return source_out(edge)


@router.delete("/records/{record_id}/sources/{source_id}", response={204: None, **ERRORS})
def remove_source(request: HttpRequest, record_id: Id, source_id: Id) -> Status:
    derived = visible_record(request, record_id)
    edge = get_object_or_404(Source, derived=derived, source_id=source_id)
    services.remove_source(edge, by=member(request))
    return Status(204, None)
