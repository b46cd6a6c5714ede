"""What the projects API modules share: the router, the error responses, lookups."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from ensemble.accounts import http
from ensemble.accounts.models import User
from ensemble.core.api import ApiError
from ensemble.projects import services
from ensemble.projects.models import (
    Call,
    Project,
)

router = Router(tags=["projects"])


def project_for(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("owner").prefetch_related("stages"), slug=slug
    )
    if not services.can_view_project(http.api_viewer(request), project):
        raise Http404
    return project


def call_for(request: HttpRequest, call_id: int) -> Call:
    # Not its resources: only `call_out` reads them (a query either way), and the entry
    # endpoints would pay for a prefetch they never read.
    call = get_object_or_404(Call.objects.select_related("project__owner"), pk=call_id)
    if call.project is not None and not services.can_view_project(
        http.api_viewer(request), call.project
    ):
        raise Http404
    return call


def member_named(username: str) -> User:
    user = User.objects.with_username(username.strip().lstrip("@")).first()
    if user is None:
        raise ApiError(404, f"There is no member called @{username}.", "no_such_member")
    return user
