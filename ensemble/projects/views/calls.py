"""Call pages: create a call, its page, enter and withdraw."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core import fragments, memberpages
from ensemble.core.pagination import BadCursor
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused, show_refusal
from ensemble.projects import entry_uploads, events, gallery, services
from ensemble.projects.forms import CallForm, EnterForm, EntryUploadForm
from ensemble.projects.models import Call, Entry, Project, Stage
from ensemble.projects.views.base import call_for, project_for
from ensemble.records.models import Record
from ensemble.records.uploads import largest_upload


@login_required
@never_cache
def new_call(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    if not services.is_leader(request.user, project):
        raise Http404
    form = CallForm(request.POST or None, project=project)
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
                skills=data["skills"],
                max_entries_per_person=data["max_entries_per_person"],
                sealed=data["sealed"],
                blind_review=data["blind_review"],
                stage=_stage(project, data.get("stage")),
                resources=Record.objects.filter(pk__in=data.get("resources") or []),
                requires_resources=data.get("requires_resources", False),
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


def _stage(project: Project, position: int | None) -> Stage | None:
    return None if position is None else project.stages.filter(position=position).first()


@memberpages.kept_page
def call(request: HttpRequest, call_id: int) -> HttpResponse:
    """The call: its brief, entering, and its entries as a gallery (`gallery`), the
    chosen work first with the productions that use it; the entrant's own entries with
    the leaders' notes to them. A fixed number of queries whatever the entries."""
    call = call_for(request, call_id)
    memberpages.changes_at(request, call.deadline)  # entering ends, sealed entries show
    is_leader = services.is_leader(request.user, call.project)
    try:
        entries = gallery.entries_html(
            request, call, leader=is_leader, cursor=request.GET.get("cursor")
        )
    except BadCursor:
        return redirect(call)
    return render(
        request,
        "projects/call.html",
        {
            "call": call,
            "event_url": events.event_url(call) if is_leader else "",
            "entries": entries,
            "yours": _yours(request, call, leader=is_leader),
            "is_leader": is_leader,
        },
    )


def _yours(request: HttpRequest, call: Call, *, leader: bool) -> SafeString:
    """The call page's parts that are the member's own: entering (their records to
    enter, the upload form) while the call takes entries, their uploads being processed
    and their entries with the leaders' notes. Kept for them alone (core.fragments)."""
    if not request.user.is_authenticated:
        return SafeString("")

    def render_for(person: Any) -> fragments.Shared:
        eligible: list[Record] = []
        if call.accepts_entries:
            entered = Entry.objects.filter(call=call).values_list("record_id", flat=True)
            mine = Record.objects.public().by(person).exclude(pk__in=entered)
            if call.accepted_kinds:
                mine = mine.filter(kind__in=call.accepted_kinds)
            eligible = list(mine[:50])
        shown = {
            **fragments.context_for(person),
            "call": call,
            "eligible": eligible,
            "upload_form": EntryUploadForm(resources=entry_uploads.resources_of(call))
            if call.accepts_entries
            else None,
            "waiting": entry_uploads.waiting_for(call, person),
            "max_bytes": largest_upload(),
            "mine": gallery.own_entries(call, person, leader=leader),
        }
        return fragments.Shared(render_to_string("projects/call.html#yours", shown))

    # The deadline is in the key: a call that stops taking entries drops "Enter your
    # work" at its deadline, not when the kept copy ages out.
    return fragments.shared(
        request, "call-yours", call.pk, call.accepts_entries, render=render_for, personal=True
    )


@login_required
@require_POST
@limited("entry")
def enter(request: HttpRequest, call_id: int) -> HttpResponse:
    call = call_for(request, call_id)
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
        show_refusal(request, error)
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
        show_refusal(request, error)
    return redirect(entry.call)
