"""Lineage's own pages: citing, the search picker, the remix tree, "used in", credits.

Its part of the record and upload pages is in `fragments.py`, for `front` to include."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core import memberpages
from ensemble.core.pagination import BadCursor, paginate
from ensemble.core.params import whole
from ensemble.core.refusals import Refused, show_refusal
from ensemble.lineage import credit_pages, licences, present, services, tree
from ensemble.lineage.forms import CiteForm, EditCitationForm
from ensemble.lineage.models import Source
from ensemble.records import access
from ensemble.records.models import Record
from ensemble.records.models.record import record_number


def _visible_record(request: HttpRequest, record_id: int) -> Record:
    record = get_object_or_404(Record.objects.select_related("owner"), pk=record_id)
    if not access.can_view_or_tombstone(request.user, record):
        raise Http404
    return record


@login_required
@require_POST
def cite(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _visible_record(request, record_id)
    form = CiteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(f"{record.get_absolute_url()}#cite")
    data = form.cleaned_data
    source_id = data["source_pick"] or record_number(data["source"])
    source = (
        Record.objects.select_related("owner").filter(pk=source_id).first() if source_id else None
    )
    try:
        if source is None:
            raise Refused("There is no record with that number.", status=404)
        services.add_source(
            record,
            source,
            by=member(request),
            kind=data["kind"],
            note=data["note"],
            part=data["part"],
            start_seconds=data["start_seconds"],
            end_seconds=data["end_seconds"],
        )
    except Refused as error:
        show_refusal(request, error)
        return redirect(f"{record.get_absolute_url()}#cite")
    messages.success(request, f"“{source.title}” is now a source of this record.")
    return redirect(f"{record.get_absolute_url()}#sources")


@login_required
@require_POST
def edit_citation(request: HttpRequest, record_id: int, source_id: int) -> HttpResponse:
    """Change the note, part or time range of one of the record's citations."""
    record = _visible_record(request, record_id)
    edge = get_object_or_404(Source, derived=record, source_id=source_id)
    form = EditCitationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back_to_sources(request, record)
    data = form.cleaned_data
    try:
        services.update_source(
            edge,
            by=member(request),
            note=data["note"],
            part=data["part"],
            start_seconds=data["start_seconds"],
            end_seconds=data["end_seconds"],
        )
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, "The citation was changed.")
    return _back_to_sources(request, record)


@login_required
@require_POST
def uncite(request: HttpRequest, record_id: int, source_id: int) -> HttpResponse:
    record = _visible_record(request, record_id)
    edge = get_object_or_404(Source, derived=record, source_id=source_id)
    try:
        services.remove_source(edge, by=member(request))
    except Refused:
        raise Http404 from None
    messages.success(request, "The source was removed.")
    return _back_to_sources(request, record)


def _back_to_sources(request: HttpRequest, record: Record) -> HttpResponse:
    """Back where the citation was changed: the page of all sources, or the record's."""
    if request.POST.get("back") == "sources":
        return redirect("lineage:sources", record.pk)
    return redirect(f"{record.get_absolute_url()}#sources")


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The picker's results: records you may cite, by title or creator (htmx fragment)."""
    query = request.GET.get("q", "").strip()
    exclude = request.GET.get("exclude", "")
    results: list[Record] = []
    if len(query) >= 2:
        viewer = member(request)
        matches = (
            Record.objects.alive()
            .filter(Q(visibility=Record.Visibility.PUBLIC) | Q(owner=viewer))
            .filter(
                Q(title__icontains=query)
                | Q(owner__username__icontains=query)
                | Q(owner__display_name__icontains=query)
            )
            .select_related("owner")
            .order_by("-id")
        )
        excluded = whole(exclude)
        if excluded is not None:
            matches = matches.exclude(pk=excluded)
        results = list(matches[:10])
    return render(request, "lineage/_search_results.html", {"results": results, "query": query})


@memberpages.kept_page
def tree_page(request: HttpRequest, record_id: int) -> HttpResponse:
    """The remix tree around a record: sources above, works using it below, as SVG."""
    record = _visible_record(request, record_id)
    up = _steps(request.GET.get("up"), default=3)
    down = _steps(request.GET.get("down"), default=3)
    nodes, edges, truncated = present.neighbourhood(record, request.user, up=up, down=down)
    picture = tree.layout(nodes, edges)
    present.add_thumbs([box.node for box in picture.boxes])
    above = sorted((n for n in nodes if n.depth < 0), key=lambda n: (-n.depth, n.record.title))
    below = sorted((n for n in nodes if n.depth > 0), key=lambda n: (n.depth, n.record.title))
    return render(
        request,
        "lineage/tree.html",
        {
            "record": record,
            "tree": picture,
            "up": up,
            "down": down,
            "truncated": truncated,
            "above": above,
            "below": below,
            "steps": range(1, 11),
        },
    )


CITATIONS_PAGE = 24  # sources or uses a page


def _citations_page(request: HttpRequest, edges: Any) -> dict[str, Any] | None:
    """One page of citations (newest first, by cursor) and how many there are, for the
    sources and "used in" pages; None for a cursor that is not ours."""
    try:
        page = paginate(edges, cursor=request.GET.get("cursor"), limit=CITATIONS_PAGE)
    except BadCursor:
        return None
    count = present.count_capped(edges)
    return {
        "edges": page.items,
        "next_cursor": page.next_cursor,
        "count": count,
        "capped": count >= present.COUNT_CAP,
        "later_page": bool(request.GET.get("cursor")),
    }


def sources_page(request: HttpRequest, record_id: int) -> HttpResponse:
    """Every source of a record (that the viewer may see), newest first, page by page,
    each with its attribution to copy: the record page and the credits name only the
    first few. The owner edits or removes citations here too."""
    record = _visible_record(request, record_id)
    shown = _citations_page(request, present.sources(record, request.user))
    if shown is None:
        return redirect(request.path)
    shown["attributions"] = [_attribution(edge) for edge in shown.pop("edges")]
    shown["is_owner"] = access.is_owner(request.user, record) and not record.is_deleted
    return render(request, "lineage/sources.html", {"record": record, **shown})


@memberpages.kept_page
def used_in_page(request: HttpRequest, record_id: int) -> HttpResponse:
    """Every work using a record (that the viewer may see), newest first, page by page:
    the record page names only the first few."""
    record = _visible_record(request, record_id)
    shown = _citations_page(request, present.used_in(record, request.user))
    if shown is None:
        return redirect(request.path)
    return render(request, "lineage/used_in.html", {"record": record, **shown})


def _steps(raw: str | None, *, default: int) -> int:
    steps = whole(raw)
    return min(10, steps) if steps is not None else default


@memberpages.kept_page
def credits_page(request: HttpRequest, record_id: int) -> HttpResponse:
    """The printable credit roll of a record, PEOPLE_PER_PAGE people a page (`?page=N`),
    and the attribution to copy for its newest sources (all of them on the sources page)."""
    record = _visible_record(request, record_id)
    raw = request.GET.get("page")
    number = 1 if raw is None else whole(raw)
    if not number:  # not a page number: the first page
        return redirect(request.path)
    # Each page number asked for is kept a while: a bound keeps odd ones from piling up.
    roll = credit_pages.cached_roll_page(
        record.pk, request.user, min(number, credit_pages.MAX_PAGES)
    )
    if roll.number != number:  # past the last page: the last
        return redirect(f"{request.path}?page={roll.number}")
    context: dict[str, Any] = {"record": record, "roll": roll}
    if number == 1:
        edges = present.sources(record, request.user)
        context["attributions"] = [_attribution(e) for e in edges[: present.SOURCES_SHOWN]]
        context["source_count"] = present.count_capped(edges)
        context["capped"] = context["source_count"] >= present.COUNT_CAP
    return render(request, "lineage/credits.html", context)


def _attribution(edge: Source) -> dict[str, Any]:
    """A copyable attribution (title, author, source, licence) for one source."""
    source = edge.source
    author = source.owner.name if source.owner.credited_by_name else "a former member"
    url = f"{settings.SITE_URL}{source.get_absolute_url()}"
    text = f"“{source.title}” by {author}, {url}, {licences.label(edge.source_licence)}"
    used = [edge.part] if edge.part else []
    if edge.start_seconds is not None and edge.end_seconds is not None:
        used.append(f"{edge.start_seconds:g}–{edge.end_seconds:g} s of it")
    if used:  # what was used, where: a production's cut says where each clip plays
        text += f" (used: {', '.join(used)})"
    return {"edge": edge, "text": text}
