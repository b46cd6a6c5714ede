"""The pages that show several apps: browse, upload, write and the record page.

Each view calls records for its own part and each other app for theirs, and the template
includes that app's fragment templates with it (`lineage/_panel.html`, community's
`{% comments_for %}`, …). Records' single-app pages (edit, versions, co-creators, mine)
stay in `records.views`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from ensemble.accounts import blocks
from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.community.services import suggest
from ensemble.community.templatetags import community_tags
from ensemble.core import fragments, memberpages
from ensemble.core.pagination import BadCursor, numbered, paginate
from ensemble.core.params import page_number
from ensemble.core.ratelimit import limited
from ensemble.core.refusals import Refused
from ensemble.front import browse as query
from ensemble.lineage import fragments as lineage
from ensemble.lineage import present as lineage_present
from ensemble.moderation import services as moderation
from ensemble.moderation.models import Kind
from ensemble.records import access, direct, services
from ensemble.records.forms import TextRecordForm, UploadForm
from ensemble.records.intake import title_from_name
from ensemble.records.models import Licence, Record
from ensemble.records.present import card_media, creators_of, record_page
from ensemble.records.uploads import largest_upload, upload_was_refused
from ensemble.records.views import record_for_viewer
from ensemble.timelines import services as timelines

PAGE_SIZE = 24


@memberpages.kept_page
def browse(request: HttpRequest) -> HttpResponse:
    """Public records in a grid, newest first, filtered by kind, tag and licence, by
    "never remixed" and by a call's entries, or sorted by trending. The filters and the
    grid are the same for every member (and every visitor) asking with the same query,
    and kept so (core.fragments); but for a call's entries, which a member may see
    differently (a leader all, an entrant their own in a sealed call), for the creators
    of the records shown, whose cards may play an original, and for a member who blocks
    one of them, who does not see their records."""
    params = request.GET
    digest = hashlib.blake2b(params.urlencode().encode(), digest_size=16).hexdigest()

    def render_results(viewer: Any) -> fragments.Shared:
        shown = {**fragments.context_for(viewer), **_browse_results(params, viewer)}
        html = render_to_string("front/_browse_results.html", shown)
        return fragments.Shared(html, not_for=creators_of([r for r, _ in shown["cards"]]))

    personal = bool(params.get("call")) and request.user.is_authenticated
    try:
        results = fragments.shared(
            request,
            "browse",
            digest,
            render=render_results,
            personal=personal,
            hidden=blocks.blocked_by(request.user),  # theirs left out, in a page of its own
        )
    except BadCursor:
        return redirect(request.path)
    return render(request, "front/browse.html", {"results": results})


def _browse_results(params: Any, viewer: Any) -> dict[str, Any]:
    """The filters' values and choices and one page of cards, for `params` (the query
    string). Raises BadCursor for a cursor that is not ours."""
    records = Record.objects.public().for_cards()
    hidden = blocks.blocked_by(viewer)  # nobody for visitors and "any member"
    if hidden:
        records = records.exclude(owner__in=hidden)
    kind = params.get("kind", "")
    tag = params.get("tag", "").strip().lower()
    licence = params.get("licence", "")
    owner = params.get("owner", "").strip().lstrip("@")
    if owner:
        records = records.filter(owner__in=User.objects.with_username(owner))
    never_remixed = params.get("never_remixed") in ("1", "true", "on")
    call = params.get("call", "").strip()[:40]
    found = query.narrowed(
        records.narrowed(kind=kind, tag=tag, licence=licence),
        never_remixed_only=never_remixed,
        call=call,
        viewer=viewer,
    )
    sort = params.get("sort", "")
    next_cursor, next_page = None, None
    if sort in query.ORDERS:
        # Another order than newest: pages by number (a cursor holds only an id).
        number = page_number(params.get("page"), last=500)
        items, more = numbered(query.ordered(found, sort), page=number, size=PAGE_SIZE)
        next_page = number + 1 if more else None
    else:
        sort = ""
        page = paginate(found, cursor=params.get("cursor"), limit=PAGE_SIZE)
        items, next_cursor = list(page.items), page.next_cursor
    filters = {
        "kind": kind,
        "tag": tag,
        "licence": licence,
        "owner": owner,
        "sort": sort,
        "never_remixed": "1" if never_remixed else "",
        "call": call,
    }
    return {
        "cards": [(r, card_media(r.current_version, r, viewer)) for r in items],
        "next_cursor": next_cursor,
        "next_page": next_page,
        "sort": sort,
        "orders": [(name, label) for name, (label, _) in query.ORDERS.items()],
        "kinds": Record.Kind.choices,
        "licences": Licence.choices,
        "kind": kind,
        "tag": tag,
        "licence": licence,
        "owner": owner,
        "never_remixed": never_remixed,
        "never_remixed_label": query.NEVER_REMIXED_LABEL,
        "query": {k: v for k, v in filters.items() if v},
        "popular_tags": query.tags_in_use(),
    }


def _sources_fields(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """Lineage's "built on other work?" fields for the upload and write forms, and the
    form's initial values (the licence a remix's ancestry allows)."""
    sources, licence = lineage.remix_offer(request)
    return sources, ({"licence": licence} if licence else {})


@login_required
@never_cache
@limited("upload")
def new(request: HttpRequest) -> HttpResponse:
    """The upload page. Without JavaScript it posts one file here; with it, many to the API."""
    sources, initial = _sources_fields(request)
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
                lineage.cite_from_upload(request, record)
                return redirect(record)
    return render(
        request,
        "front/upload.html",
        {
            "form": form,
            "sources": sources,
            "max_bytes": largest_upload(),
            "chunk_bytes": settings.RESUMABLE_CHUNK_BYTES,
            "direct_uploads": direct.available() and settings.DIRECT_UPLOADS,
            "direct_uploads_from": settings.DIRECT_UPLOAD_FROM_BYTES,
            "licences": Licence.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@limited("upload")
def write(request: HttpRequest) -> HttpResponse:
    """Write a text record in the browser."""
    sources, initial = _sources_fields(request)
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
            lineage.cite_from_upload(request, record)
            return redirect(record)
    return render(
        request,
        "front/write.html",
        {"form": form, "sources": sources},
        status=400 if form.errors else 200,
    )


@memberpages.kept_page
def detail(request: HttpRequest, record_id: int) -> HttpResponse:
    """The record page: records' viewer, versions and owner tools; lineage's credit line,
    sources, "used in" and remix button; community's heart, lists, comments and, for
    its owner, open calls it could enter. Kept for every member alike (core.fragments)
    but for whom it differs: its creators and invited co-creators (tools, downloads, the
    invitation) and a member with a draft in its lineage; each member's heart, lists and
    comments form are holes in it."""
    record = record_for_viewer(request, record_id, whole=False)
    if record.is_deleted:
        removal = moderation.removal_of(Kind.RECORD, record.pk)
        context = {"record": record, "removal": removal}
        return render(request, "records/tombstone.html", context, status=410)
    viewer = request.user

    def body(who: Any) -> fragments.Shared:
        context = record_page(record, who)
        context["lineage"] = lineage.record_context(record, who)
        shows_calls = record.is_public and who.pk == record.owner_id
        context["suggested_calls"] = suggest.calls_for(record) if shows_calls else []
        if who.pk is not None and who.pk == record.owner_id:  # the owner's tools
            context["cut"] = timelines.cut_of(record, who)
        shown = {**fragments.context_for(who), **context}
        return fragments.Shared(render_to_string("front/_record_body.html", shown))

    personal = access.touches(viewer, record) or lineage_present.drafts_in_lineage(
        viewer, record, _drafts_of(request)
    )
    holes = {
        "heart": lambda: community_tags.heart_html(request, record),
        "lists": lambda: community_tags.add_to_list_html(request, record),
        "comments": lambda: community_tags.comments_html(request, record),
    }
    shown = fragments.shared(
        request, "record", record.pk, render=body, personal=personal, holes=holes
    )
    return render(request, "front/record.html", {"record": record, "body": shown})


def _drafts_of(request: HttpRequest) -> set[int] | None:
    """The member's drafts, kept for them (core.fragments.kept_for_member): every record
    page they open asks, and most members have none. None for visitors."""
    viewer = request.user
    if not viewer.is_authenticated:
        return None
    return fragments.kept_for_member(
        request, "drafts", compute=lambda: lineage_present.member_drafts(viewer)
    )
