"""Reporting, "your reports", and the moderators' queue, report page and log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core.params import whole
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused
from ensemble.moderation import appeals, members, services, targets
from ensemble.moderation.forms import (
    AppealDecisionForm,
    DecisionForm,
    LiftForm,
    MessageForm,
    ReportForm,
)
from ensemble.moderation.models import Appeal, AuditEntry, Kind, Report

QUEUE_PAGE = 50
MINE = 100  # a member's reports and the actions on their things, newest first


def _moderator(request: HttpRequest) -> None:
    """Pages for moderators are not there for anyone else."""
    if not services.is_moderator(request.user):
        raise Http404


@login_required
@never_cache
@limited("report")
def report(request: HttpRequest, kind: str, target_id: str) -> HttpResponse:
    target = targets.find(kind, whole(target_id), request.user)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.file_report(
                member(request),
                kind,
                target.obj.pk,
                reason=data["reason"],
                text=data["text"],
                original_record=data["original"],
                original_url=data["original_url"] or "",
            )
        except Refused as error:
            error.show_on(form)
        else:
            messages.success(request, "Thank you. Moderators will look at it; follow it here.")
            return redirect(made)
    status = 400 if form.errors else 200
    return render(
        request,
        "moderation/report.html",
        {"form": form, "target": target, "kind_label": Kind(kind).label.lower()},
        status=status,
    )


@login_required
@never_cache
def mine(request: HttpRequest) -> HttpResponse:
    """The member's reports and their outcome; what moderators did to their things."""
    user = member(request)
    reports = Report.objects.filter(reporter=user).order_by("-id")[:MINE]
    actions = (
        AuditEntry.objects.concerning(user)
        .exclude(action=AuditEntry.Action.DISMISS)
        .select_related("appeal")
    )
    return render(
        request,
        "moderation/mine.html",
        {
            "reports": list(reports),
            "actions": list(actions[:MINE]),
            "moderating": services.is_moderator(user),
            "appealable": appeals.APPEALABLE,
        },
    )


@login_required
@never_cache
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    found = services.report_for(request.user, report_id)
    return _report_page(request, found, MessageForm(), DecisionForm())


def _report_page(
    request: HttpRequest,
    found: Report,
    message_form: MessageForm,
    decision_form: DecisionForm,
    status: int = 200,
) -> HttpResponse:
    moderating = services.is_moderator(request.user)
    context = {
        "report": found,
        "messages_on_it": list(found.messages.select_related("author")),
        "message_form": message_form,
        "moderating": moderating,
    }
    if moderating:
        context.update(
            target=targets.load(found.kind, found.target_id),
            history=services.owner_history(found),
            audit=list(found.audit.select_related("actor")),
            decision_form=decision_form,
            own=request.user.pk in (found.target_owner_id, found.reporter_id),
            # Whose work is reported never learns who reported it, moderators included.
            about_me=request.user.pk == found.target_owner_id,
        )
    return render(request, "moderation/report_page.html", context, status=status)


@login_required
@require_POST
@limited("report_message")
def message(request: HttpRequest, report_id: int) -> HttpResponse:
    found = services.report_for(request.user, report_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.add_message(found, by=member(request), body=form.cleaned_data["body"])
        except Refused as error:
            error.show_on(form)
        else:
            return redirect(found.get_absolute_url() + "#messages")
    return _report_page(request, found, form, DecisionForm(), status=400)


@login_required
@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    """Reports, oldest first, by state (open unless asked), reason and kind."""
    _moderator(request)
    state = request.GET.get("state", Report.State.OPEN)
    reason, kind = request.GET.get("reason", ""), request.GET.get("kind", "")
    rows = services.queue(state=state, reason=reason, kind=kind)
    after = whole(request.GET.get("after"))
    if after is not None:
        rows = rows.filter(pk__gt=after)
    page = list(rows[: QUEUE_PAGE + 1])
    return render(
        request,
        "moderation/queue.html",
        {
            "appeals": list(appeals.open_appeals()[:QUEUE_PAGE]),
            "reports": page[:QUEUE_PAGE],
            "more_after": page[QUEUE_PAGE - 1].pk if len(page) > QUEUE_PAGE else None,
            "state": state if state in Report.State.values else "",
            "reason": reason if reason in Report.Reason.values else "",
            "kind": kind if kind in Kind.values else "",
            "states": Report.State.choices,
            "reasons": Report.Reason.choices,
            "kinds": Kind.choices,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, report_id: int) -> HttpResponse:
    _moderator(request)
    found = services.report_for(request.user, report_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                found,
                by=member(request),
                action=data["action"],
                note=data["note"],
                days=data["days"],
            )
        except Refused as error:
            error.show_on(form)
        else:
            messages.success(request, "Decided. The reporter and the owner are told.")
            return redirect("moderation:queue")
    return _report_page(request, found, MessageForm(), form, status=400)


@login_required
@never_cache
def log(request: HttpRequest) -> HttpResponse:
    """Every moderation action, newest first."""
    _moderator(request)
    rows = AuditEntry.objects.select_related("actor", "target_owner").order_by("-id")
    before = whole(request.GET.get("before"))
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows[: QUEUE_PAGE + 1])
    return render(
        request,
        "moderation/log.html",
        {
            "entries": page[:QUEUE_PAGE],
            "more_before": page[QUEUE_PAGE - 1].pk if len(page) > QUEUE_PAGE else None,
        },
    )


@login_required
@never_cache
def member_page(request: HttpRequest, username: str, form: LiftForm | None = None) -> HttpResponse:
    """One member for moderators: their standing, what was done to them and their
    things, and lifting a suspension or a ban."""
    found = members.find(username, by=request.user)
    return render(
        request,
        "moderation/member.html",
        {
            "member": found,
            "standing": members.standing(found),
            "reports": services.owner_history_of(found.pk),
            "history": members.history(found),
            "form": form or LiftForm(),
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_POST
def lift(request: HttpRequest, username: str) -> HttpResponse:
    found = members.find(username, by=request.user)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            members.lift(found, by=member(request), note=form.cleaned_data["note"])
        except Refused as error:
            error.show_on(form)
        else:
            messages.success(request, f"Lifted. @{found.username} is told.")
            return redirect("moderation:member", found.username)
    return member_page(request, username, form)


@login_required
@require_POST
@limited("report_message")
def file_appeal(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = member(request)
    entry = appeals.action_for(user, entry_id)
    try:
        made = appeals.appeal(entry, by=user, text=request.POST.get("text", ""))
    except Refused as error:
        messages.error(request, error.message)
        return redirect(reverse("moderation:mine") + "#actions")
    messages.success(request, "Your appeal is sent. Another moderator will decide it.")
    return redirect(made)


@login_required
@never_cache
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    found = appeals.appeal_for(member(request), appeal_id)
    return _appeal_page(request, found, AppealDecisionForm())


def _appeal_page(
    request: HttpRequest, found: Appeal, form: AppealDecisionForm, status: int = 200
) -> HttpResponse:
    moderating = services.is_moderator(request.user)
    entry = found.action
    context = {
        "appeal": found,
        "entry": entry,
        "moderating": moderating,
        "form": form,
        # The moderator who acted, and the owner, never decide it.
        "own": request.user.pk in (entry.actor_id, entry.target_owner_id),
    }
    return render(request, "moderation/appeal.html", context, status=status)


@login_required
@require_POST
def decide_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    _moderator(request)
    user = member(request)
    found = appeals.appeal_for(user, appeal_id)
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        grant = form.cleaned_data["decision"] == "grant"
        try:
            appeals.decide(found, by=user, grant=grant, note=form.cleaned_data["note"])
        except Refused as error:
            error.show_on(form)
        else:
            messages.success(request, "Decided. The owner is told.")
            return redirect("moderation:queue")
    return _appeal_page(request, found, form, status=400)
