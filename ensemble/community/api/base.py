"""What the community API modules share: the router and the lookups for this viewer."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from ensemble.accounts import http
from ensemble.accounts.models import User
from ensemble.core.api import ApiError
from ensemble.projects import services as projects
from ensemble.projects.models import Project
from ensemble.records import access
from ensemble.records.models import Record

router = Router(tags=["community"])


def record_for(request: HttpRequest, record_id: int) -> Record:
    record = get_object_or_404(Record.objects.select_related("owner"), pk=record_id)
    if record.is_deleted or not access.can_view(http.api_viewer(request), record):
        raise Http404
    return record


def person_named(username: str) -> User:
    user = User.objects.with_username(username).filter(is_active=True).first()
    if user is None:
        raise ApiError(404, f"There is no member called @{username}.", "not_found")
    return user


def project_for(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("owner"), slug=slug)
    if not projects.can_view_project(http.api_viewer(request), project):
        raise Http404
    return project
