"""Project and call pages: create, enter, review, decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.projects import productions, resources, services
from ensemble.projects.forms import CallForm, DecisionForm, EnterForm, ProjectForm
from ensemble.projects.models import Call, Entry, Production, Project, Stage
from ensemble.records.models import Record
from ensemble.records.present import card_media

REVIEW_PAGE = 48


def _project_for(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("owner").prefetch_related("stages"), slug=slug
    )
    if not services.can_view_project(request.user, project):
        raise Http404
    return project


def _call_for(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("project__owner"), pk=call_id)
    if call.project is not None and not services.can_view_project(request.user, call.project):
        raise Http404
    return call


def _refusal(request: HttpRequest, error: Refused) -> None:
    if error.status == 403:
        raise Http404
    messages.error(request, error.message)


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


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    calls = Call.objects.filter(project=project).order_by("status", "deadline")
    production = Production.objects.filter(project=project).select_related("record__owner").first()
    release = production.releases.first() if production else None
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "calls": calls,
            "is_leader": services.is_leader(request.user, project),
            "is_owner": request.user.is_authenticated and request.user.pk == project.owner_id,
            "leaders": project.leaders.select_related("user"),
            "statuses": Project.Status.choices,
            "production": production,
            "release": release,
            "updates": project.updates.select_related("author")[:10],
            "resources": resources.resources_of(project),
            "stage_states": Stage.State.choices,
        },
    )


@login_required
@require_POST
def project_status(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    try:
        services.set_status(project, by=member(request), status=request.POST.get("status", ""))
    except Refused as error:
        _refusal(request, error)
    return redirect(project)


@login_required
@require_POST
def add_leader(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    name = request.POST.get("username", "").strip().lstrip("@")
    user = User.objects.with_username(name).first()
    if user is None:
        messages.error(request, f"There is no member called @{name}.")
        return redirect(project)
    try:
        services.add_leader(project, by=member(request), user=user)
    except Refused as error:
        _refusal(request, error)
    else:
        messages.success(request, f"@{user.username} now leads the project with you.")
    return redirect(project)


@login_required
@never_cache
def new_call(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    if not services.is_leader(request.user, project):
        raise Http404
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deadline = data["deadline"]
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline)
        try:
            call = services.create_call(
                project,
                by=member(request),
                title=data["title"],
                brief=data["brief"],
                deadline=deadline,
                accepted_kinds=data["accepted_kinds"],
                max_entries_per_person=data["max_entries_per_person"],
                sealed=data["sealed"],
                blind_review=data["blind_review"],
            )
        except Refused as error:
            error.show_on(form)
        else:
            return redirect(call)
    return render(
        request,
        "projects/new_call.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


def call(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call_for(request, call_id)
    entries = list(services.visible_entries(call, request.user)[:200])
    eligible: list[Record] = []
    if request.user.is_authenticated and call.accepts_entries:
        entered = Entry.objects.filter(call=call).values_list("record_id", flat=True)
        mine = Record.objects.public().by(request.user).exclude(pk__in=entered)
        if call.accepted_kinds:
            mine = mine.filter(kind__in=call.accepted_kinds)
        eligible = list(mine[:50])
    return render(
        request,
        "projects/call.html",
        {
            "call": call,
            "entries": entries,
            "names_hidden": services.names_hidden_from(request.user, call),
            "sealed": call.is_sealed_now and not services.is_leader(request.user, call.project),
            "is_leader": services.is_leader(request.user, call.project),
            "eligible": eligible,
        },
    )


@login_required
@require_POST
def enter(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call_for(request, call_id)
    form = EnterForm(request.POST)
    record = (
        Record.objects.filter(pk=form.cleaned_data["record"]).first() if form.is_valid() else None
    )
    if record is None:
        messages.error(request, "Choose one of your records to enter.")
        return redirect(call)
    try:
        services.submit_entry(call, by=member(request), record=record)
    except Refused as error:
        _refusal(request, error)
    else:
        messages.success(request, f"“{record.title}” is entered.")
    return redirect(call)


@login_required
@require_POST
def withdraw(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("call"), pk=entry_id)
    try:
        services.withdraw_entry(entry, by=member(request))
    except Refused as error:
        _refusal(request, error)
    return redirect(entry.call)


@login_required
@never_cache
def review(request: HttpRequest, call_id: int) -> HttpResponse:
    """The leaders' review grid: least-reviewed first, filtered by state, with inline
    media, bulk decisions and scores. A fixed number of queries whatever the page."""
    call = _call_for(request, call_id)
    if not services.is_leader(request.user, call.project):
        raise Http404
    state = request.GET.get("state", "")
    # Page over ids alone (an index scan), then load just this page's entries: joining
    # all 5,000 entries to their records before sorting cost 30 ms on the 50th page.
    ids = Entry.objects.filter(call=call).order_by("score_count", "id")
    if state in Entry.State.values:
        ids = ids.filter(state=state)
    page = Paginator(ids.values_list("id", flat=True), REVIEW_PAGE).get_page(
        request.GET.get("page")
    )
    loaded = (
        Entry.objects.filter(pk__in=list(page))
        .select_related("record__owner", "record__current_version", "entrant")
        .prefetch_related("record__current_version__renditions", "record__cocreators")
    )
    by_id = {e.pk: e for e in loaded}
    entries = [by_id[pk] for pk in page if pk in by_id]
    cards = [(e, card_media(e.record.current_version, e.record, request.user)) for e in entries]
    counts = dict(
        Entry.objects.filter(call=call).order_by().values_list("state").annotate(n=Count("id"))
    )
    tally = [(value, label, counts.get(value, 0)) for value, label in Entry.State.choices]
    return render(
        request,
        "projects/review.html",
        {
            "call": call,
            "cards": cards,
            "page": page,
            "state": state,
            "tally": tally,
            "names_hidden": services.names_hidden_from(request.user, call),
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call_for(request, call_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose entries and a decision.")
        return redirect("projects:review", call.pk)
    ids = [int(x) for x in request.POST.getlist("entry") if x.isdigit()][:500]
    entries = list(Entry.objects.filter(call=call, pk__in=ids).select_related("call"))
    if not entries:
        messages.error(request, "Choose at least one entry.")
        return redirect("projects:review", call.pk)
    try:
        services.decide(
            entries, by=member(request), state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
        )  # fmt: skip
    except Refused as error:
        _refusal(request, error)
    else:
        messages.success(
            request, f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} updated."
        )
    return redirect("projects:review", call.pk)


@login_required
@require_POST
def score(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("call__project"), pk=entry_id)
    value = request.POST.get("value", "")
    try:
        services.score(entry, by=member(request), value=int(value) if value.isdigit() else 0)
    except Refused as error:
        _refusal(request, error)
    return redirect("projects:review", entry.call_id)


@login_required
@require_POST
def post_update(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    try:
        services.post_update(project, by=member(request), body=request.POST.get("body", ""))
    except Refused as error:
        _refusal(request, error)
    return redirect(project)


@login_required
@require_POST
def stage_state(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    project = _project_for(request, slug)
    try:
        services.set_stage_state(
            project, by=member(request), position=position, state=request.POST.get("state", "")
        )
    except Refused as error:
        _refusal(request, error)
    return redirect(project)


@login_required
@require_POST
def add_resource(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    record = Record.objects.referenced(request.POST.get("record"))
    if record is None:
        messages.error(request, "There is no record with that number.")
        return redirect(project)
    try:
        services.add_resource(project, by=member(request), record=record)
    except Refused as error:
        _refusal(request, error)
    return redirect(project)


def resources_zip(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Every resource in one zip, streamed as it is read."""
    project = _project_for(request, slug)
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
    project = _project_for(request, slug)
    record = Record.objects.referenced(request.POST.get("record"))
    if record is None:
        messages.error(request, "There is no record with that number.")
        return redirect(project)
    try:
        _, problems = productions.make_production(project, by=member(request), record=record)
    except Refused as error:
        _refusal(request, error)
        return redirect(project)
    messages.success(request, f"“{record.title}” is the production; selected entries are cited.")
    for problem in problems:
        messages.warning(request, f"Not cited: {problem}")
    return redirect(project)


@login_required
@require_POST
def release(request: HttpRequest, slug: str, production_id: int) -> HttpResponse:
    project = _project_for(request, slug)
    production = get_object_or_404(
        Production.objects.select_related("record", "project"), pk=production_id, project=project
    )
    try:
        made = productions.release(production, by=member(request))
    except Refused as error:
        _refusal(request, error)
    else:
        messages.success(request, f"Released (release {made.number}). Everyone in it is told.")
    return redirect(project)
