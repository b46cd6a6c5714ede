"""The projects API: projects, leaders, calls, entries, decisions and scores."""

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.core.api import ApiError, ErrorOut
from ensemble.core.pagination import paginate
from ensemble.projects import productions, services
from ensemble.projects.models import (
    Call,
    Entry,
    Production,
    Project,
    Release,
    Stage,
    StatusUpdate,
)
from ensemble.records.models import Record

router = Router(tags=["projects"])
ERRORS: dict[int, type] = {s: ErrorOut for s in (400, 401, 403, 404, 409, 410, 422)}


class StageOut(Schema):
    position: int
    name: str
    state: str


class ProjectOut(Schema):
    slug: str
    url: str
    title: str
    description: str
    status: str
    owner: str
    stages: list[StageOut]
    created_at: datetime


class ProjectIn(Schema):
    title: str
    description: str = ""
    stages: list[str] = []


class ProjectPatch(Schema):
    status: Project.Status | None = None


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class UsernameIn(Schema):
    username: str


class CallIn(Schema):
    title: str
    brief: str
    deadline: datetime
    accepted_kinds: list[Record.Kind] = []
    resource_ids: list[int] = []
    requires_resources: bool = False
    max_entries_per_person: int = 3
    sealed: bool = False
    blind_review: bool = False
    stage: int | None = None  # a stage position


class CallOut(Schema):
    id: int
    url: str
    project: str | None
    title: str
    brief: str
    deadline: datetime
    accepted_kinds: list[str]
    resource_ids: list[int]
    requires_resources: bool
    max_entries_per_person: int
    sealed: bool
    blind_review: bool
    status: str
    accepts_entries: bool


class CallPatch(Schema):
    status: Call.Status


class CallPage(Schema):
    items: list[CallOut]
    next_cursor: str | None


class EntryIn(Schema):
    record_id: int


class EntryOut(Schema):
    id: int
    record_id: int
    record_title: str
    entrant: str | None  # None under blind review
    state: str
    score_count: int
    score_mean: float | None
    created_at: datetime


class EntryPage(Schema):
    items: list[EntryOut]
    next_cursor: str | None


class DecisionIn(Schema):
    state: Entry.State
    note: str = ""


class ScoreIn(Schema):
    value: int


def project_out(project: Project) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "url": project.get_absolute_url(),
        "title": project.title,
        "description": project.description,
        "status": project.status,
        "owner": project.owner.username,
        "stages": [
            {"position": s.position, "name": s.name, "state": s.state} for s in project.stages.all()
        ],
        "created_at": project.created_at,
    }


def call_out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "url": call.get_absolute_url(),
        "project": call.project.slug if call.project else None,
        "title": call.title,
        "brief": call.brief,
        "deadline": call.deadline,
        "accepted_kinds": call.accepted_kinds,
        "resource_ids": [link.record_id for link in call.resource_links.all()],
        "requires_resources": call.requires_resources,
        "max_entries_per_person": call.max_entries_per_person,
        "sealed": call.visibility == Call.Visibility.SEALED,
        "blind_review": call.blind_review,
        "status": call.status,
        "accepts_entries": call.accepts_entries,
    }


def _project(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("owner").prefetch_related("stages"), slug=slug
    )
    if not services.can_view_project(http.api_viewer(request), project):
        raise Http404
    return project


def _call(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(
        Call.objects.select_related("project__owner").prefetch_related("resource_links"),
        pk=call_id,
    )
    if call.project is not None and not services.can_view_project(
        http.api_viewer(request), call.project
    ):
        raise Http404
    return call


def _member_named(username: str) -> User:
    user = User.objects.with_username(username.strip().lstrip("@")).first()
    if user is None:
        raise ApiError(404, f"There is no member called @{username}.", "no_such_member")
    return user


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def create_project(request: HttpRequest, body: ProjectIn) -> Status:
    """Start a project (a draft until its status is set to `open`)."""
    project = services.create_project(
        member(request), title=body.title, description=body.description, stages=body.stages
    )
    return Status(201, project_out(project))


@router.get("/projects", response={200: ProjectPage, **ERRORS}, auth=None)
def list_projects(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(24, ge=1, le=100)
) -> dict[str, Any]:
    """Projects anyone may see (not drafts), newest first."""
    projects = (
        Project.objects.exclude(status=Project.Status.DRAFT)
        .select_related("owner")
        .prefetch_related("stages")
    )
    page = paginate(projects, cursor=cursor, limit=limit)
    return {"items": [project_out(p) for p in page.items], "next_cursor": page.next_cursor}


@router.get("/projects/{slug}", response={200: ProjectOut, **ERRORS}, auth=None)
def get_project(request: HttpRequest, slug: str) -> dict[str, Any]:
    return project_out(_project(request, slug))


@router.patch("/projects/{slug}", response={200: ProjectOut, **ERRORS})
def update_project(request: HttpRequest, slug: str, patch: ProjectPatch) -> dict[str, Any]:
    project = _project(request, slug)
    if patch.status is not None:
        services.set_status(project, by=member(request), status=patch.status)
    return project_out(project)


@router.post("/projects/{slug}/leaders", response={201: UsernameIn, **ERRORS})
def add_leader(request: HttpRequest, slug: str, body: UsernameIn) -> Status:
    project = _project(request, slug)
    user = _member_named(body.username)
    services.add_leader(project, by=member(request), user=user)
    return Status(201, {"username": user.username})


@router.delete("/projects/{slug}/leaders/{username}", response={204: None, **ERRORS})
def remove_leader(request: HttpRequest, slug: str, username: str) -> Status:
    project = _project(request, slug)
    services.remove_leader(project, by=member(request), user=_member_named(username))
    return Status(204, None)


@router.post("/projects/{slug}/calls", response={201: CallOut, **ERRORS})
def create_call(request: HttpRequest, slug: str, body: CallIn) -> Status:
    """Post a call. `deadline` must carry its time zone (ISO 8601 with an offset)."""
    project = _project(request, slug)
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
    status: Call.Status | None = None,
    kind: Record.Kind | None = None,
    cursor: str | None = None,
    limit: int = Query(24, ge=1, le=100),
) -> dict[str, Any]:
    """Calls of projects anyone may see, newest first; `kind`: calls that take it."""
    calls = (
        Call.objects.filter(Q(project__isnull=True) | ~Q(project__status=Project.Status.DRAFT))
        .select_related("project")
        .prefetch_related("resource_links")
    )
    if status:
        calls = calls.filter(status=status)
    page = paginate(calls, cursor=cursor, limit=limit)
    items = [c for c in page.items if not kind or not c.accepted_kinds or kind in c.accepted_kinds]
    return {"items": [call_out(c) for c in items], "next_cursor": page.next_cursor}


@router.get("/calls/{call_id}", response={200: CallOut, **ERRORS}, auth=None)
def get_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    return call_out(_call(request, call_id))


@router.patch("/calls/{call_id}", response={200: CallOut, **ERRORS})
def update_call(request: HttpRequest, call_id: int, patch: CallPatch) -> dict[str, Any]:
    """Close a call (decisions become final) or mark it resolved."""
    call = services.set_call_status(
        _call(request, call_id), by=member(request), status=patch.status
    )
    return call_out(call)


def entry_out(entry: Entry, hide_names: bool, viewer_id: int | None) -> dict[str, Any]:
    hidden = hide_names and entry.entrant_id != viewer_id
    return {
        "id": entry.pk,
        "record_id": entry.record_id,
        "record_title": entry.record.title,
        "entrant": None if hidden else entry.entrant.username,
        "state": entry.state,
        "score_count": entry.score_count,
        "score_mean": entry.score_mean,
        "created_at": entry.created_at,
    }


@router.post("/calls/{call_id}/entries", response={201: EntryOut, **ERRORS})
def submit_entry(request: HttpRequest, call_id: int, body: EntryIn) -> Status:
    """Enter one of your public records. Refusals name the rule: `call_closed`,
    `kind_not_accepted`, `resource_not_cited`, `duplicate_entry`, `entry_limit`, …"""
    call = _call(request, call_id)
    record = Record.objects.filter(pk=body.record_id).first()
    if record is None:
        raise ApiError(404, "There is no record with that number.", "not_found")
    entry = services.submit_entry(call, by=member(request), record=record)
    return Status(201, entry_out(entry, False, entry.entrant_id))


@router.get("/calls/{call_id}/entries", response={200: EntryPage, **ERRORS}, auth=None)
def list_entries(
    request: HttpRequest,
    call_id: int,
    state: Entry.State | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """The entries you may see: all for leaders; your own while a sealed call is open;
    everyone's otherwise. Under blind review, reviewers get no names."""
    call = _call(request, call_id)
    viewer = http.api_viewer(request)
    entries = services.visible_entries(call, viewer)
    if state:
        entries = entries.filter(state=state)
    page = paginate(entries, cursor=cursor, limit=limit)
    hide = services.names_hidden_from(viewer, call)
    viewer_id = viewer.pk if viewer is not None else None
    return {
        "items": [entry_out(e, hide, viewer_id) for e in page.items],
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


@router.post("/entries/{entry_id}/decision", response={200: EntryOut, **ERRORS})
def decide(request: HttpRequest, entry_id: int, body: DecisionIn) -> dict[str, Any]:
    """Set an entry's state (`shortlisted`, `selected`, `declined`, `submitted`) with an
    optional note; logged, and the entrant is told."""
    entry = _entry(request, entry_id)
    services.decide([entry], by=member(request), state=body.state, note=body.note)
    hide = services.names_hidden_from(member(request), entry.call)
    return entry_out(entry, hide, member(request).pk)


@router.post("/entries/{entry_id}/scores", response={200: EntryOut, **ERRORS})
def score(request: HttpRequest, entry_id: int, body: ScoreIn) -> dict[str, Any]:
    entry = _entry(request, entry_id)
    services.score(entry, by=member(request), value=body.value)
    entry.refresh_from_db()
    hide = services.names_hidden_from(member(request), entry.call)
    return entry_out(entry, hide, member(request).pk)


@router.post("/entries/{entry_id}/withdraw", response={200: EntryOut, **ERRORS})
def withdraw(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    entry = services.withdraw_entry(_entry(request, entry_id), by=member(request))
    return entry_out(entry, False, member(request).pk)


class ProductionIn(Schema):
    record_id: int


class ProductionOut(Schema):
    id: int
    project: str
    record_id: int
    problems: list[str] = []


class ReleaseOut(Schema):
    number: int
    released_at: datetime
    contribution_count: int
    people_count: int
    credits: list[dict[str, Any]]
    thanks: list[dict[str, Any]]


def _production(request: HttpRequest, production_id: int) -> Production:
    production = get_object_or_404(
        Production.objects.select_related("project__owner", "record__owner"), pk=production_id
    )
    if not services.can_view_project(http.api_viewer(request), production.project):
        raise Http404
    return production


@router.post("/projects/{slug}/productions", response={201: ProductionOut, **ERRORS})
def make_production(request: HttpRequest, slug: str, body: ProductionIn) -> Status:
    """Make one of your records the project's production. Its sources are filled from
    the selected entries; `problems` lists citations refused (with the reason)."""
    project = _project(request, slug)
    record = Record.objects.filter(pk=body.record_id).first()
    if record is None:
        raise ApiError(404, "There is no record with that number.", "not_found")
    production, problems = productions.make_production(project, by=member(request), record=record)
    return Status(
        201,
        {"id": production.pk, "project": project.slug, "record_id": record.pk,
         "problems": problems},
    )  # fmt: skip


def release_out(release: Release) -> dict[str, Any]:
    return {
        "number": release.number,
        "released_at": release.released_at,
        "contribution_count": release.contribution_count,
        "people_count": release.people_count,
        "credits": release.credits,
        "thanks": release.thanks,
    }


@router.post("/productions/{production_id}/releases", response={201: ReleaseOut, **ERRORS})
def release_production(request: HttpRequest, production_id: int) -> Status:
    """Release: freeze the credit roll and the thanks, mark the project released and
    tell everyone credited or thanked."""
    made = productions.release(_production(request, production_id), by=member(request))
    return Status(201, release_out(made))


@router.get("/productions/{production_id}/credits", response={200: ReleaseOut, **ERRORS}, auth=None)
def production_credits(request: HttpRequest, production_id: int) -> dict[str, Any]:
    """The credits and thanks as frozen by the latest release (404 before any release)."""
    production = _production(request, production_id)
    latest = production.releases.first()
    if latest is None:
        raise ApiError(404, "This production has not been released yet.", "not_released")
    return release_out(latest)


class UpdateIn(Schema):
    body: str


class UpdateOut(Schema):
    id: int
    author: str | None
    body: str
    body_html: str
    created_at: datetime


class StagePatch(Schema):
    state: Stage.State


class ResourceIn(Schema):
    record_id: int


class ResourceOut(Schema):
    record_id: int
    title: str
    kind: str
    url: str


def update_out(update: StatusUpdate) -> dict[str, Any]:
    return {
        "id": update.pk,
        "author": update.author.username if update.author else None,
        "body": update.body,
        "body_html": update.body_html,
        "created_at": update.created_at,
    }


@router.get("/projects/{slug}/updates", response={200: list[UpdateOut], **ERRORS}, auth=None)
def list_updates(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    project = _project(request, slug)
    return [update_out(u) for u in project.updates.select_related("author")[:50]]


@router.post("/projects/{slug}/updates", response={201: UpdateOut, **ERRORS})
def post_update(request: HttpRequest, slug: str, body: UpdateIn) -> Status:
    update = services.post_update(_project(request, slug), by=member(request), body=body.body)
    return Status(201, update_out(update))


@router.patch("/projects/{slug}/stages/{position}", response={200: StageOut, **ERRORS})
def update_stage(request: HttpRequest, slug: str, position: int, patch: StagePatch) -> Any:
    stage = services.set_stage_state(
        _project(request, slug), by=member(request), position=position, state=patch.state
    )
    return {"position": stage.position, "name": stage.name, "state": stage.state}


@router.get("/projects/{slug}/resources", response={200: list[ResourceOut], **ERRORS}, auth=None)
def list_resources(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The starting material; all of it as one zip at /projects/{slug}/resources.zip."""
    project = _project(request, slug)
    return [
        {"record_id": r.record_id, "title": r.record.title, "kind": r.record.kind,
         "url": r.record.get_absolute_url()}
        for r in project.resources.select_related("record")
    ]  # fmt: skip


@router.post("/projects/{slug}/resources", response={201: ResourceOut, **ERRORS})
def add_resource(request: HttpRequest, slug: str, body: ResourceIn) -> Status:
    project = _project(request, slug)
    record = Record.objects.filter(pk=body.record_id).first()
    if record is None:
        raise ApiError(404, "There is no record with that number.", "not_found")
    services.add_resource(project, by=member(request), record=record)
    return Status(
        201,
        {"record_id": record.pk, "title": record.title, "kind": record.kind,
         "url": record.get_absolute_url()},
    )  # fmt: skip


@router.delete("/projects/{slug}/resources/{record_id}", response={204: None, **ERRORS})
def remove_resource(request: HttpRequest, slug: str, record_id: int) -> Status:
    project = _project(request, slug)
    record = get_object_or_404(Record, pk=record_id)
    services.remove_resource(project, by=member(request), record=record)
    return Status(204, None)
