"""Calls, entries, decisions, scores and withdrawals."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.accounts.models import Skill
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError, choices_schema
from ensemble.core.ids import Id, Int64
from ensemble.core.json_in import JsonDateTime, JsonIn, Lax
from ensemble.core.pagination import paginate
from ensemble.projects import events, gallery, services
from ensemble.projects.api.base import call_for, project_for, router
from ensemble.projects.models import (
    Call,
    Decision,
    Entry,
    call_visible_to_everyone,
)
from ensemble.projects.services import matching
from ensemble.records.api import MediaOut, RecordKind
from ensemble.records.models import Record
from ensemble.records.present import card_media

CallStatus = Annotated[Call.Status, Lax, choices_schema(Call.Status, "CallStatus")]
EntryState = Annotated[Entry.State, Lax, choices_schema(Entry.State, "EntryState")]


class CallIn(JsonIn):
    title: str
    brief: str
    deadline: JsonDateTime
    accepted_kinds: list[RecordKind] = []
    skills: list[Annotated[Skill, Lax]] = []  # wanted; members with them see the call first
    resource_ids: list[Id] = []
    requires_resources: bool = False
    max_entries_per_person: Int64 = 3
    sealed: bool = False
    blind_review: bool = False
    stage: Int64 | None = None  # a stage position


class CallOut(Schema):
    id: int
    url: str
    project: str | None
    title: str
    brief: str
    deadline: datetime
    accepted_kinds: list[str]
    skills: list[str]
    resource_ids: list[int]
    requires_resources: bool
    max_entries_per_person: int
    sealed: bool
    blind_review: bool
    status: str
    accepts_entries: bool
    event_mode: bool
    event_url: str | None  # the short link, while event mode is on


class CallPatch(JsonIn):
    status: CallStatus | None = None
    event_mode: bool | None = None


class CallPage(Schema):
    items: list[CallOut]
    next_cursor: str | None


class CallEntryIn(JsonIn):
    record_id: Id


class EntryNoteOut(Schema):
    """A leader's note to the entrant, with the decision it came with."""

    state: str  # what the entry was moved to
    note: str
    by: str | None  # the leader's username (None once their account is gone)
    created_at: datetime


class CallEntryOut(Schema):
    id: int
    # Both None on others' entries under blind review, while the call is open (the
    # record names its owner): reviewers review by `media` and `text_html`.
    record_id: int | None
    record_title: str
    entrant: str | None
    kind: str
    media: MediaOut  # thumbnail, poster and player: links that name nobody
    text_html: str | None  # a text entry, as the review grid shows it
    state: str
    score_count: int
    score_mean: float | None
    created_at: datetime
    notes: list[EntryNoteOut]  # the leaders' notes: for the entrant and the leaders only


class EntryPage(Schema):
    items: list[CallEntryOut]
    next_cursor: str | None


class DecisionIn(JsonIn):
    state: EntryState
    note: str = ""


class ScoreIn(JsonIn):
    value: Int64


def call_out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "url": call.get_absolute_url(),
        "project": call.project.slug if call.project else None,
        "title": call.title,
        "brief": call.brief,
        "deadline": call.deadline,
        "accepted_kinds": call.accepted_kinds,
        "skills": call.skills,
        "resource_ids": [link.record_id for link in call.resource_links.all()],
        "requires_resources": call.requires_resources,
        "max_entries_per_person": call.max_entries_per_person,
        "sealed": call.visibility == Call.Visibility.SEALED,
        "blind_review": call.blind_review,
        "status": call.status,
        "accepts_entries": call.accepts_entries,
        "event_mode": call.event_mode,
        "event_url": events.event_url(call) if call.event_mode else None,
    }


@router.post("/projects/{slug}/calls", response={201: CallOut, **ERRORS})
def createcall_for(request: HttpRequest, slug: str, body: CallIn) -> Status:
    """Post a call. `deadline` must carry its time zone (ISO 8601 with an offset)."""
    project = project_for(request, slug)
    resources = list(Record.objects.filter(pk__in=body.resource_ids))
    if len(resources) != len(set(body.resource_ids)):
        raise ApiError(404, "Some of the resources do not exist.", "not_found")
    stage = project.stages.filter(position=body.stage).first() if body.stage is not None else None
    call = services.create_call(
        project,
        by=member(request),
        title=body.title,
        brief=body.brief,
        deadline=body.deadline,
        accepted_kinds=body.accepted_kinds,
        skills=body.skills,
        resources=resources,
        requires_resources=body.requires_resources,
        max_entries_per_person=body.max_entries_per_person,
        sealed=body.sealed,
        blind_review=body.blind_review,
        stage=stage,
    )
    return Status(201, call_out(call))


@router.get("/calls", response={200: CallPage, **ERRORS}, auth=None)
def list_calls(
    request: HttpRequest,
    status: CallStatus | None = None,
    kind: RecordKind | None = None,
    skill: Skill | None = None,
    for_me: bool = False,
    cursor: str | None = None,
    limit: int = Query(24, ge=1, le=100),
) -> dict[str, Any]:
    """Calls of projects anyone may see, newest first; `kind`: calls that take it;
    `skill`: calls asking for it (by name, or by the kinds they take when they name no
    skill); `for_me=true`: calls asking for one of your profile's skills."""
    calls = (
        Call.objects.filter(call_visible_to_everyone())
        .select_related("project")
        .prefetch_related("resource_links")
    )
    if status:
        calls = calls.filter(status=status)
    if kind:
        calls = calls.filter(matching.takes_kind(kind))
    if skill:
        calls = calls.filter(matching.suits([skill]))
    if for_me:
        viewer = http.api_viewer(request)
        if viewer is None:
            raise ApiError(401, "Sign in to see the calls for your skills.", "not_authenticated")
        calls = calls.filter(matching.suits(matching.member_skills(viewer)))
    page = paginate(calls, cursor=cursor, limit=limit)
    return {"items": [call_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/calls/{call_id}", response={200: CallOut, **ERRORS}, auth=None)
def getcall_for(request: HttpRequest, call_id: Id) -> dict[str, Any]:
    return call_out(call_for(request, call_id))


@router.patch("/calls/{call_id}", response={200: CallOut, **ERRORS})
def updatecall_for(request: HttpRequest, call_id: Id, patch: CallPatch) -> dict[str, Any]:
    """Close a call (decisions become final) or mark it resolved; switch event mode on
    or off (its short link and QR code for a live show)."""
    call = call_for(request, call_id)
    with transaction.atomic():  # both changes or neither
        if patch.status is not None:
            call = services.set_call_status(call, by=member(request), status=patch.status)
        if patch.event_mode is not None:
            call = events.set_event_mode(call, by=member(request), on=patch.event_mode)
    return call_out(call)


def entry_out(
    entry: Entry, hide_names: bool, viewer: Any, notes: Sequence[Decision] = ()
) -> dict[str, Any]:
    """An entry as JSON. `notes` come from `gallery.notes_prefetch` or `_notes`, which load
    only those the viewer may read."""
    hidden = hide_names and entry.entrant_id != getattr(viewer, "pk", None)
    record = entry.record
    media = card_media(record.current_version, record, viewer)
    return {
        "id": entry.pk,
        "record_id": None if hidden else entry.record_id,
        "record_title": record.title,
        "entrant": None if hidden else entry.entrant.username,
        "kind": record.kind,
        "media": media.as_dict(),
        "text_html": gallery.text_html(record),
        "state": entry.state,
        "score_count": entry.score_count,
        "score_mean": entry.score_mean,
        "created_at": entry.created_at,
        "notes": [
            {
                "state": d.to_state,
                "note": d.note,
                "by": d.by.username if d.by else None,
                "created_at": d.created_at,
            }
            for d in notes
        ],
    }


def _notes(entry: Entry, viewer: Any) -> list[Decision]:
    """The leaders' notes on one entry, if this viewer is its entrant or a leader."""
    notes = gallery.readable_notes(entry.call, viewer)
    return [] if notes is None else list(notes.filter(entry=entry))


@router.post("/calls/{call_id}/entries", response={201: CallEntryOut, **ERRORS})
def submit_entry(request: HttpRequest, call_id: Id, body: CallEntryIn) -> Status:
    """Enter one of your public records. Refusals name the rule: `call_closed`,
    `kind_not_accepted`, `resource_not_cited`, `duplicate_entry`, `entry_limit`, …"""
    ratelimit.limit_write(request, "entry")
    call = call_for(request, call_id)
    record = Record.objects.filter(pk=body.record_id).first()
    if record is None:
        raise ApiError(404, "There is no record with that number.", "not_found")
    entry = services.submit_entry(call, by=member(request), record=record)
    return Status(201, entry_out(entry, False, entry.entrant))


@router.get("/calls/{call_id}/entries", response={200: EntryPage, **ERRORS}, auth=None)
def list_entries(
    request: HttpRequest,
    call_id: Id,
    state: EntryState | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """The entries you may see: all for leaders; your own while a sealed call is open;
    everyone's otherwise. Under blind review, while the call is open, nobody gets the
    entrants' names or records but their own: review by `media` and `text_html`. `notes`:
    the leaders' notes with their decisions, on your own entries (on all, for leaders)."""
    call = call_for(request, call_id)
    viewer = http.api_viewer(request)
    leader = services.is_leader(viewer, call.project)
    entries = services.visible_entries(call, viewer, leader=leader)
    if state:
        entries = entries.filter(state=state)
    notes = gallery.notes_prefetch(call, viewer, leader=leader)
    entries = gallery.for_cards(entries, viewer, notes, text=True)
    page = paginate(entries, cursor=cursor, limit=limit)
    hide = services.names_hidden_from(viewer, call)
    return {
        "items": [entry_out(e, hide, viewer, gallery.entry_notes(e)) for e in page.items],
        "next_cursor": page.next_cursor,
    }


def _entry(request: HttpRequest, entry_id: int) -> Entry:
    entry = get_object_or_404(
        Entry.objects.select_related("call__project__owner", "record", "entrant"), pk=entry_id
    )
    viewer = http.api_viewer(request)
    if not services.visible_entries(entry.call, viewer).filter(pk=entry.pk).exists():
        raise Http404
    return entry


@router.post("/entries/{entry_id}/decision", response={200: CallEntryOut, **ERRORS})
def decide(request: HttpRequest, entry_id: Id, body: DecisionIn) -> dict[str, Any]:
    """Set an entry's state (`shortlisted`, `selected`, `declined`, `submitted`) with an
    optional note; logged, and the entrant is told."""
    entry = _entry(request, entry_id)
    services.decide([entry], by=member(request), state=body.state, note=body.note)
    hide = services.names_hidden_from(member(request), entry.call)
    return entry_out(entry, hide, member(request), _notes(entry, member(request)))


@router.post("/entries/{entry_id}/scores", response={200: CallEntryOut, **ERRORS})
def score(request: HttpRequest, entry_id: Id, body: ScoreIn) -> dict[str, Any]:
    entry = _entry(request, entry_id)
    services.score(entry, by=member(request), value=body.value)
    entry.refresh_from_db()
    hide = services.names_hidden_from(member(request), entry.call)
    return entry_out(entry, hide, member(request), _notes(entry, member(request)))


@router.post("/entries/{entry_id}/withdraw", response={200: CallEntryOut, **ERRORS})
def withdraw(request: HttpRequest, entry_id: Id) -> dict[str, Any]:
    entry = services.withdraw_entry(_entry(request, entry_id), by=member(request))
    return entry_out(entry, False, member(request), _notes(entry, member(request)))
