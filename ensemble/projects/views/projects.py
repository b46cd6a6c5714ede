"""Project pages: create, leaders, stages, updates, resources, productions. The project
page itself shows several apps and is composed in front (front/project.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused, show_refusal
from ensemble.projects import productions, resources, services
from ensemble.projects.forms import ProjectForm
from ensemble.projects.models import Production
from ensemble.projects.views.base import project_for
from ensemble.records.models import Record


@login_required
@never_cache
def new_project(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                member(request),
                title=data["title"],
                description=data["description"],
                stages=data["stages"].splitlines(),
            )
        except Refused as error:
            error.show_on(form)
        else:
            messages.success(request, "Project created as a draft: open it when you are ready.")
            return redirect(project)
    return render(request, "projects/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def project_status(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    try:
        services.set_status(project, by=member(request), status=request.POST.get("status", ""))
    except Refused as error:
        show_refusal(request, error)
    return redirect(project)


@login_required
@require_POST
def add_leader(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    name = request.POST.get("username", "").strip().lstrip("@")
    user = User.objects.with_username(name).first()
    if user is None:
        messages.error(request, f"There is no member called @{name}.")
        return redirect(project)
    try:
        services.add_leader(project, by=member(request), user=user)
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"@{user.username} now leads the project with you.")
    return redirect(project)


@login_required
@require_POST
@limited("update")
def post_update(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    try:
        services.post_update(project, by=member(request), body=request.POST.get("body", ""))
    except Refused as error:
        show_refusal(request, error)
    return redirect(project)


@login_required
@require_POST
def stage_state(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    project = project_for(request, slug)
    try:
        services.set_stage_state(
            project, by=member(request), position=position, state=request.POST.get("state", "")
        )
    except Refused as error:
        show_refusal(request, error)
    return redirect(project)


@login_required
@require_POST
def add_resource(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    record = Record.objects.referenced(request.POST.get("record"))
    if record is None:
        messages.error(request, "There is no record with that number.")
        return redirect(project)
    try:
        services.add_resource(project, by=member(request), record=record)
    except Refused as error:
        show_refusal(request, error)
    return redirect(project)


def resources_zip(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Every resource in one zip, streamed as it is read."""
    project = project_for(request, slug)
    files = resources.files_of(resources.resources_of(project))
    if not files:
        raise Http404
    response = StreamingHttpResponse(resources.stream_zip(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-resources.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def make_production(request: HttpRequest, slug: str) -> HttpResponse:
    """A leader makes one of their records the production; selected entries are cited."""
    project = project_for(request, slug)
    record = Record.objects.referenced(request.POST.get("record"))
    if record is None:
        messages.error(request, "There is no record with that number.")
        return redirect(project)
    try:
        _, problems = productions.make_production(project, by=member(request), record=record)
    except Refused as error:
        show_refusal(request, error)
        return redirect(project)
    messages.success(request, f"“{record.title}” is the production; selected entries are cited.")
    for problem in problems:
        messages.warning(request, f"Not cited: {problem}")
    return redirect(project)


@login_required
@require_POST
def release(request: HttpRequest, slug: str, production_id: int) -> HttpResponse:
    project = project_for(request, slug)
    production = get_object_or_404(
        Production.objects.select_related("record", "project"), pk=production_id, project=project
    )
    try:
        made = productions.release(production, by=member(request))
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"Released (release {made.number}). Everyone in it is told.")
    return redirect(project)
