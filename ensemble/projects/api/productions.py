"""Productions and their releases."""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn
from ensemble.projects import productions, services
from ensemble.projects.api.base import project_for, router
from ensemble.projects.models import (
    Production,
    Project,
    Release,
)
from ensemble.records import access
from ensemble.records.models import CoCreator, Record


class ProductionIn(JsonIn):
    record_id: Id


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


class ReleaseSummaryOut(Schema):
    number: int
    released_at: datetime
    contribution_count: int
    people_count: int


class ProductionSummaryOut(Schema):
    id: int
    record_id: int
    title: str | None  # None: a draft only its creators see (listed for the leaders)
    url: str | None
    visibility: str
    removed: bool
    released_at: datetime | None  # of the latest release
    releases: list[ReleaseSummaryOut]  # newest first
    credits_url: str | None  # the latest release's frozen credits


def productions_of(project: Project, viewer: Any, *, leader: bool) -> list[dict[str, Any]]:
    """The project's productions the viewer may see, newest first, with their releases,
    in three statements however many. A production whose record the viewer may not see
    (a draft) is left out, except for the project's leaders, who need it to release it:
    they get its number, not its title."""
    found = Production.objects.filter(project=project).select_related("record__owner")
    found = found.prefetch_related(
        "releases",
        Prefetch("record__cocreators", queryset=CoCreator.objects.all()),
    )
    listed = []
    for production in found:
        record = production.record
        shown = access.can_view_or_tombstone(viewer, record)
        if not shown and not leader:
            continue
        releases = list(production.releases.all())
        listed.append(
            {
                "id": production.pk,
                "record_id": record.pk,
                "title": record.title if shown else None,
                "url": record.get_absolute_url() if shown else None,
                "visibility": record.visibility,
                "removed": record.is_deleted,
                "released_at": releases[0].released_at if releases else None,
                "releases": [
                    {
                        "number": r.number,
                        "released_at": r.released_at,
                        "contribution_count": r.contribution_count,
                        "people_count": r.people_count,
                    }
                    for r in releases
                ],
                "credits_url": f"/api/v1/productions/{production.pk}/credits" if releases else None,
            }
        )
    return listed


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
    project = project_for(request, slug)
    record = Record.objects.filter(pk=body.record_id).first()
    if record is None:
        raise ApiError(404, "There is no record with that number.", "not_found")
    production, problems = productions.make_production(project, by=member(request), record=record)
    return Status(
        201,
        {
            "id": production.pk,
            "project": project.slug,
            "record_id": record.pk,
            "problems": problems,
        },
    )


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
def release_production(request: HttpRequest, production_id: Id) -> Status:
    """Release: freeze the credit roll and the thanks, mark the project released and
    tell everyone credited or thanked."""
    made = productions.release(_production(request, production_id), by=member(request))
    return Status(201, release_out(made))


@router.get("/productions/{production_id}/credits", response={200: ReleaseOut, **ERRORS}, auth=None)
def production_credits(request: HttpRequest, production_id: Id) -> dict[str, Any]:
    """The credits and thanks as frozen by the latest release (404 before any release)."""
    production = _production(request, production_id)
    latest = production.releases.first()
    if latest is None:
        raise ApiError(404, "This production has not been released yet.", "not_released")
    return release_out(latest)
