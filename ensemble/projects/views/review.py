"""The leaders' review: the grid, decisions and scores.

The grid is plain forms: without JavaScript each score or decision reloads it, re-sorted.
review.js sends the same forms through htmx instead, and these views then answer only
what changed (the `changed` partial of review.html: those entries, a sentence for the
live region, the tally), so the reviewer keeps their focus, their place and the order
until they ask to re-sort. A refusal answers the same partial with its 4xx status and
the sentence next to the entry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core import fragments, memberpages
from ensemble.core.params import whole
from ensemble.core.refusals import Refused, not_found_if_forbidden
from ensemble.projects import gallery, services
from ensemble.projects.forms import DecisionForm
from ensemble.projects.models import Call, Entry
from ensemble.projects.views.base import call_for
from ensemble.records.present import Media, card_media

REVIEW_PAGE = 48
MAX_CHOSEN = 500  # entries in one decision: a page holds 48, a script may send more
FRAGMENT_HEADER = "Ensemble-Review"  # tells review.js a 4xx answer is ours, to show


@login_required
@never_cache
@memberpages.kept_page
def review(request: HttpRequest, call_id: int) -> HttpResponse:
    """The leaders' review grid: least-reviewed first, filtered by state, with inline
    media, bulk decisions and scores. A fixed number of queries whatever the page."""
    call = call_for(request, call_id)
    if not services.is_leader(request.user, call.project):
        raise Http404
    state, _ = _grid(request)
    tally = _tally(call)
    # Page over ids alone (an index scan), then load just this page's entries: joining
    # all 5,000 entries to their records before sorting cost 30 ms on the 50th page.
    ids = Entry.objects.filter(call=call).order_by("score_count", "id")
    if state:
        ids = ids.filter(state=state)
    paginator = Paginator(ids.values_list("id", flat=True), REVIEW_PAGE)
    # How many there are is in the tally already: no second count of them.
    paginator.count = sum(n for value, _, n in tally if not state or value == state)
    page = paginator.get_page(request.GET.get("page"))
    here = _query(state, page.number)
    names_hidden = services.names_hidden_from(request.user, call)

    def grid(leader: Any) -> fragments.Shared:
        shown = {
            **fragments.context_for(leader),
            "cards": _cards(leader, call, list(page)),
            "names_hidden": names_hidden,
            "here": here,
        }
        return fragments.Shared(render_to_string("projects/review.html#grid", shown))

    # The cards are this leader's (their media links), kept for them alone until a write
    # (a score, a decision, a new entry) renews them: a reload costs the frame only.
    kept = fragments.shared(
        request, "review-grid", call.pk, state, page.number, render=grid, personal=True
    )
    return render(
        request,
        "projects/review.html",
        {
            "call": call,
            "grid": kept,
            "page": page,
            "state": state,
            "here": here,
            "tally": tally,
            "names_hidden": names_hidden,
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, call_id: int) -> HttpResponse:
    call = call_for(request, call_id)
    if not services.is_leader(request.user, call.project):
        raise Http404  # before anything is shown, even which entries were asked for
    ids = [n for n in map(whole, request.POST.getlist("entry")) if n is not None][:MAX_CHOSEN]
    form = DecisionForm(request.POST)
    if not form.is_valid():
        problem = Refused(
            "The note can be at most 2,000 characters."
            if "note" in form.errors
            else "Choose entries and a decision.",
            status=400,
        )
        return _refused(request, call, ids, problem, decision=True)
    entries = list(Entry.objects.filter(call=call, pk__in=ids).select_related("call", "record"))
    if not entries:
        problem = Refused("Choose at least one entry.", status=400)
        return _refused(request, call, [], problem, decision=True)
    state = form.cleaned_data["state"]
    try:
        services.decide(entries, by=member(request), state=state, note=form.cleaned_data["note"])
    except Refused as error:
        return _refused(request, call, [e.pk for e in entries], error, decision=True)
    # "N entries updated." is what the no-JS page has always said; the live region adds
    # what they became, and which one when there is one.
    done = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} updated."
    label = Entry.State(state).label.lower()
    if len(entries) == 1:
        said = f"“{entries[0].record.title}”: {label}. {done}"
    else:
        said = f"{done} They are {label}."
    if _wants_fragment(request):
        return _changed(request, call, [e.pk for e in entries], said=said, decision=True)
    messages.success(request, done)
    return redirect(_back(request, call, entries[0].pk if len(entries) == 1 else None))


@login_required
@require_POST
def score(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("call__project", "record"), pk=entry_id)
    call = entry.call
    if not services.is_leader(request.user, call.project):
        raise Http404
    value = whole(request.POST.get("value", ""), 0) or 0
    try:
        services.score(entry, by=member(request), value=value)
    except Refused as error:
        return _refused(request, call, [entry.pk], error)
    if _wants_fragment(request):
        said = f"“{entry.record.title}”: your score is {value} of 5."
        return _changed(request, call, [entry.pk], said=said)
    return redirect(_back(request, call, entry.pk))


# ---------------------------------------------------------------- helpers


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _grid(request: HttpRequest) -> tuple[str, int]:
    """The grid's filter and page from the query string, checked (bad values: none)."""
    state = request.GET.get("state", "")
    return (state if state in Entry.State.values else "", whole(request.GET.get("page"), 1))


def _query(state: str, page: int) -> str:
    """The grid's query string, carried by its forms so a change comes back to it."""
    params = {"state": state} if state else {}
    if page > 1:
        params["page"] = str(page)
    return f"?{urlencode(params)}" if params else ""


def _back(request: HttpRequest, call: Call, entry_id: int | None = None) -> str:
    """The grid a change was sent from (its filter and page), at the entry it changed."""
    url = reverse("projects:review", args=[call.pk]) + _query(*_grid(request))
    return f"{url}#entry-{entry_id}" if entry_id else url


def _cards(
    viewer: Any, call: Call, ids: list[int], error: str = ""
) -> list[tuple[Entry, Media, str]]:
    """These entries of the call in this order, loaded in three queries, each with its
    card's media (for `viewer`) and the sentence to show on it."""
    loaded = gallery.for_cards(Entry.objects.filter(call=call, pk__in=ids), viewer, text=True)
    by_id = {e.pk: e for e in loaded}
    entries = [by_id[pk] for pk in ids if pk in by_id]
    return [(e, card_media(e.record.current_version, e.record, viewer), error) for e in entries]


def _tally(call: Call) -> list[tuple[str, str, int]]:
    counts = dict(
        Entry.objects.filter(call=call).order_by().values_list("state").annotate(n=Count("id"))
    )
    return [(value, label, counts.get(value, 0)) for value, label in Entry.State.choices]


def _changed(
    request: HttpRequest,
    call: Call,
    ids: list[int],
    *,
    said: str = "",
    problem: Refused | None = None,
    decision: bool = False,
) -> HttpResponse:
    """The htmx answer: the entries in `ids` as they are now, the sentence for the live
    region and, for a decision, the tally (a refused one too: it may be refused because
    an entry was withdrawn meanwhile). A refusal keeps its status and shows its sentence
    on the entry when it was about one."""
    state, page = _grid(request)
    context: dict[str, Any] = {
        "call": call,
        "cards": _cards(
            request.user, call, ids, problem.message if problem and len(ids) == 1 else ""
        ),
        "names_hidden": services.names_hidden_from(request.user, call),
        "state": state,
        "here": _query(state, page),
        "said": said,
        "problem": problem.message if problem else "",
        "tally": _tally(call) if decision else None,
        # A decision made clears the boxes of its entries; a score or a refusal keeps them.
        "keep_choice": not decision or problem is not None,
    }
    status = problem.status if problem else 200
    response = render(request, "projects/review.html#changed", context, status=status)
    response[FRAGMENT_HEADER] = "1"
    return response


def _refused(
    request: HttpRequest, call: Call, ids: list[int], error: Refused, *, decision: bool = False
) -> HttpResponse:
    """A refused score or decision: in place for htmx, else a message on the grid."""
    not_found_if_forbidden(error)
    if _wants_fragment(request):
        return _changed(request, call, ids, problem=error, decision=decision)
    messages.error(request, error.message)
    return redirect(_back(request, call, ids[0] if len(ids) == 1 else None))
