"""What every projects page needs: fetch a project or call for this viewer, show a refusal."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ensemble.projects import services
from ensemble.projects.models import Call, Project


def project_for(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("owner"), slug=slug)
    if not services.can_view_project(request.user, project):
        raise Http404
    return project


def call_for(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("project__owner"), pk=call_id)
    if call.project is not None and not services.can_view_project(request.user, call.project):
        raise Http404
    return call
