"""Project and call pages (the first slice: read-only pages; forms come next)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ensemble.projects import services
from ensemble.projects.models import Call, Project


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("owner").prefetch_related("stages"), slug=slug
    )
    if not services.can_view_project(request.user, project):
        raise Http404
    calls = Call.objects.filter(project=project).order_by("status", "deadline")
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "calls": calls,
            "is_leader": services.is_leader(request.user, project),
        },
    )


def call(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(Call.objects.select_related("project__owner"), pk=call_id)
    if call.project is not None and not services.can_view_project(request.user, call.project):
        raise Http404
    entries = list(services.visible_entries(call, request.user)[:200])
    return render(
        request,
        "projects/call.html",
        {
            "call": call,
            "entries": entries,
            "names_hidden": services.names_hidden_from(request.user, call),
            "sealed": call.is_sealed_now and not services.is_leader(request.user, call.project),
        },
    )
