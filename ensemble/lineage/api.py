"""The lineage API: sources, the lineage around a record, credits, licences."""

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError, choices_schema
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn, Lax
from ensemble.core.pagination import paginate
from ensemble.lineage import credits, graph, jsonld, licences, present, services
from ensemble.lineage.models import Source
from ensemble.records import access
from ensemble.records.models import Licence, Record
from ensemble.records.models.record import LICENCE_SUMMARIES, LICENCE_URLS

router = Router(tags=["lineage"])
SourceKind = Annotated[Source.Kind, Lax, choices_schema(Source.Kind, "SourceKind")]
COUNT_CAP = present.COUNT_CAP
# Counting a lineage walks it: up to 1,000 records costs ~3.5 ms, up to 10,000 ~22.
LINEAGE_COUNT_CAP = 1_000


class RecordRef(Schema):
    id: int
    title: str
    kind: str
    owner: str
    url: str
    removed: bool


def ref(record: Record) -> dict[str, Any]:
    return {
        "id": record.pk,
        "title": record.title,
        "kind": record.kind,
        "owner": record.owner.username if record.owner.is_active else "",
        "url": record.get_absolute_url(),
        "removed": record.is_deleted,
    }


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


def _record(request: HttpRequest, record_id: int) -> Record:
    record = get_object_or_404(Record.objects.select_related("owner"), pk=record_id)
    if not access.can_view_or_tombstone(http.api_viewer(request), record):
        raise Http404
    return record


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
    record = _record(request, record_id)
    edges = present.sources(record, http.api_viewer(request))
    page = paginate(edges, cursor=cursor, limit=limit)
    return {
        "items": [source_out(e) for e in page.items],
        "next_cursor": page.next_cursor,
        "count": present.count_capped(edges),
        "count_capped_at": COUNT_CAP,
    }


@router.post("/records/{record_id}/sources", response={201: SourceOut, **ERRORS})
def add_source(request: HttpRequest, record_id: Id, body: SourceIn) -> Status:
    """Cite a source. 409 with code `cycle` (the path named), `duplicate_source` or
    `licence_conflict` (the ancestor and the reason named); 404 for a source you
    cannot see."""
    derived = _record(request, record_id)
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
    record = _record(request, record_id)
    edges = present.used_in(record, http.api_viewer(request))
    page = paginate(edges, cursor=cursor, limit=limit)
    return {
        "items": [
            {
                "record": ref(e.derived),
                "kind": e.kind,
                "note": e.note,
                "part": e.part,
                "start_seconds": e.start_seconds,
                "end_seconds": e.end_seconds,
                "created_at": e.created_at,
            }
            for e in page.items
        ],
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
    derived = _record(request, record_id)
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
    derived = _record(request, record_id)
    edge = get_object_or_404(Source, derived=derived, source_id=source_id)
    services.remove_source(edge, by=member(request))
    return Status(204, None)


class NodeOut(Schema):
    record: RecordRef
    depth: int
    thumb: str | None


class EdgeOut(Schema):
    derived: int
    source: int
    kind: str


class LineageOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool
    ancestor_count: int
    descendant_count: int
    counts_capped_at: int


@router.get("/records/{record_id}/lineage", response={200: LineageOut, **ERRORS}, auth=None)
def lineage(
    request: HttpRequest,
    record_id: Id,
    direction: Literal["ancestors", "descendants", "both"] = "both",
    depth: int = Query(3, ge=1, le=50),
) -> dict[str, Any]:
    """The records around this one: `depth` is negative above (its sources, theirs …)
    and positive below (works using it). Drafts you cannot see are left out. The counts
    are of the whole lineage you may see (not only `depth` steps), up to `counts_capped_at`."""
    record = _record(request, record_id)
    up = depth if direction in ("ancestors", "both") else 0
    down = depth if direction in ("descendants", "both") else 0
    viewer = http.api_viewer(request)
    viewer_id = viewer.pk if viewer is not None else None
    nodes, edges, truncated = present.neighbourhood(record, viewer, up=up, down=down)
    present.add_thumbs(nodes)
    return {
        "nodes": [{"record": ref(n.record), "depth": n.depth, "thumb": n.thumb} for n in nodes],
        "edges": [{"derived": e.derived_id, "source": e.source_id, "kind": e.kind} for e in edges],
        "truncated": truncated,
        "ancestor_count": graph.count_visible(
            record.pk, "ancestors", viewer_id=viewer_id, cap=LINEAGE_COUNT_CAP
        ),
        "descendant_count": graph.count_visible(
            record.pk, "descendants", viewer_id=viewer_id, cap=LINEAGE_COUNT_CAP
        ),
        "counts_capped_at": LINEAGE_COUNT_CAP,
    }


class CreditedRecordOut(Schema):
    id: int
    title: str
    removed: bool


class CreditedPersonOut(Schema):
    username: str
    name: str
    records: list[CreditedRecordOut]


class RoleOut(Schema):
    role: str
    heading: str
    people: list[CreditedPersonOut]


class SectionOut(Schema):
    key: str
    title: str
    roles: list[RoleOut]


class CreditsOut(Schema):
    record: RecordRef
    record_count: int
    people_count: int
    sections: list[SectionOut]


@router.get(
    "/records/{record_id}/credits",
    response={200: CreditsOut, **ERRORS},
    auth=None,
    # ninja knows only the JSON media type: the operation names JSON-LD's itself.
    openapi_extra={
        "responses": {200: {"content": {"application/ld+json": {"schema": jsonld.SCHEMA}}}}
    },
)
def get_credits(
    request: HttpRequest,
    record_id: Id,
    format: Literal["json", "jsonld"] = "json",
) -> Any:
    """Everyone in the record's lineage, by role: this work, direct sources, further up.
    `?format=jsonld` answers schema.org JSON-LD (`application/ld+json`)."""
    record = _record(request, record_id)
    viewer = http.api_viewer(request)
    if format == "jsonld":
        if _cites_their_removed_draft(record, viewer):  # shown to them alone
            body = _jsonld(record, viewer, credits.cached_credit_roll(record.pk, viewer))
        else:
            body = credits.cached_for_viewer(
                record.pk, viewer, "jsonld", lambda roll, who: _jsonld(record, who, roll)
            )
        return HttpResponse(body, content_type="application/ld+json")
    # A big production credits thousands of people for 12,000 records: checking each
    # through the schema took 200 ms, so the body is written here (the schema still
    # describes it; tests compare the two) and everyone's kept with the roll.
    body = credits.cached_for_viewer(
        record.pk, viewer, "json", lambda roll, _: _dumps(_credits_out(record, roll))
    )
    return HttpResponse(body, content_type="application/json")


def _credits_out(record: Record, roll: credits.CreditRoll) -> dict[str, Any]:
    return {
        "record": ref(record),
        "record_count": roll.record_count,
        "people_count": roll.people_count,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "roles": [
                    {
                        "role": role,
                        "heading": heading,
                        "people": [
                            {
                                "username": p.username,
                                "name": p.name,
                                "records": [
                                    {"id": r.id, "title": r.title, "removed": r.removed}
                                    for r in p.records
                                ],
                            }
                            for p in people
                        ],
                    }
                    for role, heading, people in s.groups
                ],
            }
            for s in roll.sections
        ],
    }


def _cites_their_removed_draft(record: Record, viewer: Any) -> bool:
    """Whether a source of the record is a draft the viewer removed: its tombstone is
    theirs to see, so their JSON-LD differs from everyone's. (Drafts they may see that
    are not removed are in the roll's `hidden_drafts`, which `cached_for_viewer` checks.)"""
    if viewer is None:
        return False
    return Source.objects.filter(
        derived=record,
        source__owner=viewer,
        source__deleted_at__isnull=False,
        source__published_at__isnull=True,
    ).exists()


def _jsonld(record: Record, viewer: Any, roll: credits.CreditRoll) -> bytes:
    prefetch_related_objects([record], "cocreators__user")
    return _dumps(jsonld.work(record, list(present.sources(record, viewer)), roll))


def _dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder).encode()


class LicenceOut(Schema):
    id: str
    name: str
    summary: str
    url: str | None
    derivatives: bool
    share_alike: bool
    non_commercial: bool
    attribution: bool


@router.get("/licenses", response={200: list[LicenceOut], **ERRORS}, auth=None)
def list_licences(request: HttpRequest) -> list[dict[str, Any]]:
    """Every licence a record can carry, and what it allows remixes to do."""
    return [
        {
            "id": lic.value,
            "name": lic.label,
            "summary": LICENCE_SUMMARIES[lic],
            "url": LICENCE_URLS.get(lic),
            **vars(licences.TERMS[lic]),
        }
        for lic in Licence
    ]
