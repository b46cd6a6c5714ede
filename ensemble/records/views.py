"""Record pages: browse, upload, write, show, edit, versions, co-creators, delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.core.pagination import BadCursor, numbered, paginate
from ensemble.core.params import page_number
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused, show_refusal
from ensemble.records import access, hooks, services
from ensemble.records.forms import (
    InviteForm,
    RecordFieldsForm,
    TextRecordForm,
    UploadForm,
    VersionForm,
)
from ensemble.records.intake import title_from_name
from ensemble.records.models import CoCreator, Licence, Record, Tag, Version
from ensemble.records.present import card_media, media_for, shown_among
from ensemble.records.uploads import largest_upload, upload_was_refused

PAGE_SIZE = 24


def _get_record_for_viewer(request: HttpRequest, record_id: int) -> Record:
    """The record if this requester may see it (tombstones are shown as such); else 404."""
    record = get_object_or_404(
        Record.objects.select_related("owner", "current_version").prefetch_related(
            Prefetch("cocreators", queryset=CoCreator.objects.select_related("user")),
            "tags",
            "current_version__renditions",
        ),
        pk=record_id,
    )
    if not access.can_view_or_tombstone(request.user, record):
        raise Http404
    return record


def browse(request: HttpRequest) -> HttpResponse:
    """Public records in a grid, newest first, filtered by kind, tag and licence."""
    records = Record.objects.public().for_cards()
    kind = request.GET.get("kind", "")
    tag = request.GET.get("tag", "").strip().lower()
    licence = request.GET.get("licence", "")
    owner = request.GET.get("owner", "").strip().lstrip("@")
    if owner:
        records = records.filter(owner__in=User.objects.with_username(owner))
    records = records.narrowed(kind=kind, tag=tag, licence=licence)
    extra = {}
    for name, (_, narrow) in hooks.browse_filters.items():
        if request.GET.get(name) in ("1", "true", "on"):
            records = narrow(records)
            extra[name] = "1"
    for name, narrow_by in hooks.browse_values.items():
        if value := request.GET.get(name, "").strip()[:40]:
            records = narrow_by(records, value, request.user)
            extra[name] = value
    sort = request.GET.get("sort", "")
    next_cursor, next_page = None, None
    if sort in hooks.browse_orders:
        # Another order than newest: pages by number (a cursor holds only an id).
        number = page_number(request.GET.get("page"), last=500)
        ordered = hooks.browse_orders[sort][1](records)
        items, more = numbered(ordered, page=number, size=PAGE_SIZE)
        next_page = number + 1 if more else None
    else:
        sort = ""
        try:
            page = paginate(records, cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
        except BadCursor:
            return redirect(request.path)
        items, next_cursor = list(page.items), page.next_cursor
    cards = [(r, card_media(r.current_version, r, request.user)) for r in items]
    filters = {"kind": kind, "tag": tag, "licence": licence, "owner": owner, "sort": sort, **extra}
    query = {k: v for k, v in filters.items() if v}
    return render(
        request,
        "records/browse.html",
        {
            "cards": cards,
            "next_cursor": next_cursor,
            "next_page": next_page,
            "sort": sort,
            "orders": [(name, label) for name, (label, _) in hooks.browse_orders.items()],
            "kinds": Record.Kind.choices,
            "licences": Licence.choices,
            "kind": kind,
            "tag": tag,
            "licence": licence,
            "owner": owner,
            "query": query,
            "extra_filters": [
                (name, label, name in extra) for name, (label, _) in hooks.browse_filters.items()
            ],
            "popular_tags": Tag.objects.filter(records__visibility="public")
            .values_list("name", flat=True)
            .distinct()[:20],
        },
    )


def _form_extras(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    """Fields other apps add to the upload and write forms, and their initial values."""
    html, initial = "", {}
    for hook in hooks.upload_form:
        extra = hook(request)
        html += extra.get("html", "")
        if extra.get("licence"):
            initial["licence"] = extra["licence"]
    return mark_safe(html), initial  # noqa: S308 - rendered templates, escaped there


def _after_upload(request: HttpRequest, record: Record) -> None:
    for hook in hooks.after_upload:
        hook(request, record)


@login_required
@never_cache
@limited("upload")
def new(request: HttpRequest) -> HttpResponse:
    """The upload page. Without JavaScript it posts one file here; with it, many to the API."""
    extras, initial = _form_extras(request)
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if upload_was_refused(request):
            form.add_error("file", "The file is larger than any upload we accept.")
        elif form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                record = services.create_record(
                    member(request),
                    title=data["title"] or title_from_name(upload.name or ""),
                    description=data["description"],
                    tags=data["tags"],
                    licence=data["licence"],
                    kind=data["kind"] or None,
                    upload=upload,
                )
            except Refused as error:
                error.show_on(form)
            else:
                messages.success(request, "Uploaded. It is being processed now.")
                _after_upload(request, record)
                return redirect(record)
    return render(
        request,
        "records/new.html",
        {
            "form": form,
            "extras": extras,
            "max_bytes": largest_upload(),
            "licences": Licence.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@limited("upload")
def write(request: HttpRequest) -> HttpResponse:
    """Write a text record in the browser."""
    extras, initial = _form_extras(request)
    form = TextRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.create_record(
                member(request),
                title=data["title"],
                description=data["description"],
                tags=data["tags"],
                licence=data["licence"],
                text=data["body"],
            )
        except Refused as error:
            error.show_on(form)
        else:
            _after_upload(request, record)
            return redirect(record)
    return render(
        request,
        "records/write.html",
        {"form": form, "extras": extras},
        status=400 if form.errors else 200,
    )


def detail(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _get_record_for_viewer(request, record_id)
    if record.is_deleted:
        return render(request, "records/tombstone.html", {"record": record}, status=410)
    versions = list(
        Version.objects.filter(record=record)
        .select_related("uploaded_by")
        .prefetch_related("renditions")
    )
    is_owner = access.is_owner(request.user, record)
    is_creator = access.is_creator(request.user, record)
    # What the page shows comes from these rows, not from the record's `current_version`
    # read before them: a worker committing in between would leave "ready" with no work.
    shown = shown_among(versions)
    history = [
        (v, media_for(v, record, request.user).download if is_creator else None) for v in versions
    ]
    my_invite = next(
        (
            c
            for c in record.cocreators.all()
            if request.user.is_authenticated and c.user_id == request.user.pk
        ),
        None,
    )
    sections: dict[str, str] = {}
    for hook in hooks.record_page:
        for place, html in hook(request, record).items():
            sections[place] = mark_safe(sections.get(place, "") + html)  # noqa: S308
    return render(
        request,
        "records/detail.html",
        {
            "sections": sections,
            "record": record,
            "version": shown.current,
            "media": media_for(shown.current, record, request.user),
            "latest": shown.latest,
            "history": history,
            "is_owner": is_owner,
            "credited": [c for c in record.cocreators.all() if c.state == "accepted"],
            "pending": [c for c in record.cocreators.all() if c.state == "invited"],
            "my_invite": my_invite,
            "invite_form": InviteForm(),
        },
    )


@never_cache
def status(request: HttpRequest, record_id: int) -> HttpResponse:
    """The processing state of the newest version: what the live status polls."""
    record = _get_record_for_viewer(request, record_id)
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
    record = _get_record_for_viewer(request, record_id)
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
                services.invite_cocreator(record, by=member(request), user=user)
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
            services.remove_cocreator(cocreator, by=me)
        else:
            services.answer_invitation(cocreator, by=me, accept=verb == "accept")
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
