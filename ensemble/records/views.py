"""Records' own pages: live status, edit, publish, delete, new version, co-creators, mine.

The pages that show other apps too (browse, upload, write, the record page) are composed
in `ensemble.front`, which also mounts these under the `records` URL names."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.core.pagination import BadCursor, paginate
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused, show_refusal
from ensemble.records import access, cocreators, services
from ensemble.records.forms import (
    InviteForm,
    RecordFieldsForm,
    VersionForm,
)
from ensemble.records.models import CoCreator, Record, Version
from ensemble.records.present import card_media
from ensemble.records.uploads import upload_was_refused

PAGE_SIZE = 24


def record_for_viewer(request: HttpRequest, record_id: int, *, whole: bool = True) -> Record:
    """The record if this requester may see it (tombstones are shown as such); else 404.
    With its owner and co-creators (who may see it); `whole`: with its current version's
    renditions and its tags too, for a page that shows them (a page that may come from
    a kept fragment reads them when it renders)."""
    rows = Record.objects.select_related("owner").prefetch_related(
        Prefetch("cocreators", queryset=CoCreator.objects.select_related("user"))
    )
    if whole:
        rows = rows.select_related("current_version").prefetch_related(
            "tags", "current_version__renditions"
        )
    record = get_object_or_404(rows, pk=record_id)
    if not access.can_view_or_tombstone(request.user, record):
        raise Http404
    return record


@never_cache
def status(request: HttpRequest, record_id: int) -> HttpResponse:
    """The processing state of the newest version: what the live status polls."""
    record = record_for_viewer(request, record_id)
    if record.is_deleted:
        raise Http404
    latest = Version.objects.filter(record=record).first()
    response = render(request, "records/_status.html", {"record": record, "latest": latest})
    if latest is not None and latest.is_finished:
        response["HX-Trigger"] = "record-processed"
    return response


@login_required
@never_cache
def edit(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _owner_or_403(request, record_id)
    initial = {
        "title": record.title,
        "description": record.description,
        "tags": ", ".join(t.name for t in record.tags.all()),
        "licence": record.licence,
    }
    form = RecordFieldsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_record(record, by=member(request), **data)
        except Refused as error:
            error.show_on(form)
        else:
            messages.success(request, "Saved.")
            return redirect(record)
    return render(request, "records/edit.html", {"form": form, "record": record})


def _owner_or_403(request: HttpRequest, record_id: int) -> Record:
    record = record_for_viewer(request, record_id)
    if record.is_deleted:
        raise Http404
    if not access.is_owner(request.user, record):
        raise PermissionDenied("Only the record's owner can do that.")
    return record


@login_required
@require_POST
def publish(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _owner_or_403(request, record_id)
    try:
        services.publish(record, by=member(request))
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Published: everyone can see it now.")
    return redirect(record)


@login_required
@never_cache
def delete(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _owner_or_403(request, record_id)
    if request.method == "POST":
        services.delete_record(record, by=member(request))
        messages.success(request, f"“{record.title}” was deleted.")
        return redirect("records:mine")
    return render(request, "records/delete.html", {"record": record})


@login_required
@never_cache
@limited("upload")
def new_version(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _owner_or_403(request, record_id)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if upload_was_refused(request):
            form.add_error("file", "The file is larger than any upload we accept.")
        elif form.is_valid():
            data = form.cleaned_data
            is_text = record.kind == Record.Kind.TEXT and not data["file"]
            try:
                services.add_version(
                    record,
                    by=member(request),
                    upload=data["file"] or None,
                    text=data["body"] if is_text else None,
                    change_note=data["change_note"],
                )
            except Refused as error:
                error.show_on(form)
            else:
                messages.success(request, "New version uploaded. It is being processed now.")
                return redirect(record)
    return render(
        request,
        "records/new_version.html",
        {"form": form, "record": record},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invite(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _owner_or_403(request, record_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"].strip().lstrip("@")
        user = User.objects.with_username(username).first()
        if user is None:
            messages.error(request, f"There is no member called @{username}.")
        else:
            try:
                cocreators.invite_cocreator(record, by=member(request), user=user)
            except Refused as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Invited @{user.username} as a co-creator.")
    return redirect(record)


@login_required
@require_POST
def answer(request: HttpRequest, record_id: int, cocreator_id: int, verb: str) -> HttpResponse:
    if verb not in ("accept", "decline", "remove"):
        raise Http404
    cocreator = get_object_or_404(
        CoCreator.objects.select_related("record__owner"), pk=cocreator_id, record_id=record_id
    )
    me = member(request)
    try:
        if verb == "remove":
            cocreators.remove_cocreator(cocreator, by=me)
        else:
            cocreators.answer_invitation(cocreator, by=me, accept=verb == "accept")
    except Refused as error:
        show_refusal(request, error)
    if not access.can_view(me, cocreator.record):
        return redirect("records:browse")  # a draft they declined or stepped down from
    return redirect(cocreator.record)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Your records, drafts included."""
    records = Record.objects.alive().by(member(request)).for_cards()
    try:
        page = paginate(records, cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    except BadCursor:
        return redirect(request.path)
    cards = [(r, card_media(r.current_version, r, request.user)) for r in page.items]
    return render(
        request,
        "records/mine.html",
        {"cards": cards, "next_cursor": page.next_cursor, "query": {}},
    )
