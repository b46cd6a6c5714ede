"""The leaders' review: the grid, decisions and scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core.params import whole
from ensemble.core.refusals import Refused
from ensemble.projects import services
from ensemble.projects.forms import DecisionForm
from ensemble.projects.models import Entry
from ensemble.projects.views.base import call_for, show_refusal
from ensemble.records.present import card_media

REVIEW_PAGE = 48


@login_required
@never_cache
def review(request: HttpRequest, call_id: int) -> HttpResponse:
    """The leaders' review grid: least-reviewed first, filtered by state, with inline
    media, bulk decisions and scores. A fixed number of queries whatever the page."""
    call = call_for(request, call_id)
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
    call = call_for(request, call_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose entries and a decision.")
        return redirect("projects:review", call.pk)
    ids = [n for n in map(whole, request.POST.getlist("entry")) if n is not None][:500]
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
        show_refusal(request, error)
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
        services.score(entry, by=member(request), value=whole(value, 0) or 0)
    except Refused as error:
        show_refusal(request, error)
    return redirect("projects:review", entry.call_id)
