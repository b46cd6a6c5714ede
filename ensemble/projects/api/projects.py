"""Projects, their leaders, status updates, stages and resources."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError, choices_schema
from ensemble.core.ids import Id, Int64
from ensemble.core.json_in import JsonIn, Lax
from ensemble.core.pagination import paginate
from ensemble.projects import services
from ensemble.projects.api.base import member_named, project_for, router
from ensemble.projects.api.productions import ProductionSummaryOut, productions_of
from ensemble.projects.models import (
    Project,
    Stage,
    StatusUpdate,
    visible_to_everyone,
)
from ensemble.records.models import Record

ProjectStatus = Annotated[Project.Status, Lax, choices_schema(Project.Status, "ProjectStatus")]
StageState = Annotated[Stage.State, Lax, choices_schema(Stage.State, "StageState")]


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


class ProjectDetailOut(ProjectOut):
    productions: list[ProductionSummaryOut]  # the finished works and their releases


class ProjectIn(JsonIn):
    title: str
    description: str = ""
    stages: list[str] = []


class ProjectPatch(JsonIn):
    status: ProjectStatus | None = None


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class UsernameIn(JsonIn):
    username: str


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


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def createproject_for(request: HttpRequest, body: ProjectIn) -> Status:
    """Start a project (a draft until its status is set to `open`)."""
    project = services.create_project(
        member(request), title=body.title, description=body.description, stages=body.stages
    )
    return Status(201, project_out(project))


@router.get("/projects", response={200: ProjectPage, **ERRORS}, auth=None)
def list_projects(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(24, ge=1, le=100)
) -> dict[str, Any]:
    """Projects anyone may see (not drafts, not hidden by moderators), newest first."""
    projects = (
        Project.objects.filter(visible_to_everyone())
        .select_related("owner")
        .prefetch_related("stages")
    )
    page = paginate(projects, cursor=cursor, limit=limit)
    return {"items": [project_out(p) for p in page.items], "next_cursor": page.next_cursor}


@router.get("/projects/{slug}", response={200: ProjectDetailOut, **ERRORS}, auth=None)
def getproject_for(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A project, with its productions and their releases (drafts only for those who may
    see them)."""
    project = project_for(request, slug)
    viewer = http.api_viewer(request)
    leader = services.is_leader(viewer, project)
    return {**project_out(project), "productions": productions_of(project, viewer, leader=leader)}


@router.patch("/projects/{slug}", response={200: ProjectOut, **ERRORS})
def updateproject_for(request: HttpRequest, slug: str, patch: ProjectPatch) -> dict[str, Any]:
    project = project_for(request, slug)
    if patch.status is not None:
        services.set_status(project, by=member(request), status=patch.status)
    return project_out(project)


@router.post("/projects/{slug}/leaders", response={201: UsernameIn, **ERRORS})
def add_leader(request: HttpRequest, slug: str, body: UsernameIn) -> Status:
    project = project_for(request, slug)
    user = member_named(body.username)
    services.add_leader(project, by=member(request), user=user)
    return Status(201, {"username": user.username})


@router.delete("/projects/{slug}/leaders/{username}", response={204: None, **ERRORS})
def remove_leader(request: HttpRequest, slug: str, username: str) -> Status:
    project = project_for(request, slug)
    services.remove_leader(project, by=member(request), user=member_named(username))
    return Status(204, None)


class UpdateIn(JsonIn):
    body: str


class UpdateOut(Schema):
    id: int
    author: str | None
    body: str
    body_html: str
    created_at: datetime


class StagePatch(JsonIn):
    state: StageState


class ResourceIn(JsonIn):
    record_id: Id


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
    project = project_for(request, slug)
    return [update_out(u) for u in project.updates.select_related("author")[:50]]


@router.post("/projects/{slug}/updates", response={201: UpdateOut, **ERRORS})
def post_update(request: HttpRequest, slug: str, body: UpdateIn) -> Status:
    ratelimit.limit_write(request, "update")
    update = services.post_update(project_for(request, slug), by=member(request), body=body.body)
    return Status(201, update_out(update))


@router.patch("/projects/{slug}/stages/{position}", response={200: StageOut, **ERRORS})
def update_stage(request: HttpRequest, slug: str, position: Int64, patch: StagePatch) -> Any:
    stage = services.set_stage_state(
        project_for(request, slug), by=member(request), position=position, state=patch.state
    )
    return {"position": stage.position, "name": stage.name, "state": stage.state}


@router.get("/projects/{slug}/resources", response={200: list[ResourceOut], **ERRORS}, auth=None)
def list_resources(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The starting material; all of it as one zip at /projects/{slug}/resources.zip."""
    project = project_for(request, slug)
    return [
        {
            "record_id": r.record_id,
            "title": r.record.title,
            "kind": r.record.kind,
            "url": r.record.get_absolute_url(),
        }
        for r in project.resources.select_related("record")
    ]


@router.post("/projects/{slug}/resources", response={201: ResourceOut, **ERRORS})
def add_resource(request: HttpRequest, slug: str, body: ResourceIn) -> Status:
    project = project_for(request, slug)
    record = Record.objects.filter(pk=body.record_id).first()
    if record is None:
        raise ApiError(404, "There is no record with that number.", "not_found")
    services.add_resource(project, by=member(request), record=record)
    return Status(
        201,
        {
            "record_id": record.pk,
            "title": record.title,
            "kind": record.kind,
            "url": record.get_absolute_url(),
        },
    )


@router.delete("/projects/{slug}/resources/{record_id}", response={204: None, **ERRORS})
def remove_resource(request: HttpRequest, slug: str, record_id: Id) -> Status:
    project = project_for(request, slug)
    record = get_object_or_404(Record, pk=record_id)
    services.remove_resource(project, by=member(request), record=record)
    return Status(204, None)
