"""A call's entries as the call page shows them: a gallery, the chosen work first.

Steps of `gallery`:
1. Count the entries this viewer may see, by state (one query).
2. The featured entries: selected, then shortlisted, newest first; at most `FEATURED`
   (their ids from the index, then those rows).
3. The rest, newest first, a page at a time by cursor (`core.pagination`); the featured
   ones are left out, so an overflowing shortlist still shows up among them. Both read
   only the columns a card shows (`card_rows`).
4. Each card's media (thumbnail, poster, player, excerpt), and for the leaders the
   notes they wrote to the entrants (`notes_prefetch`): one query each for both lists.
5. The project's productions that use a selected entry, among those the viewer may see.

Whatever the number of entries, a fixed number of queries: the page's tests assert it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from ensemble.core import fragments
from ensemble.core.pagination import paginate
from ensemble.core.prefetch import related
from ensemble.lineage import graph
from ensemble.projects import services
from ensemble.projects.models import Call, Decision, Entry, Production
from ensemble.records import access
from ensemble.records.models import CoCreator, Record
from ensemble.records.present import Media, card_media

FEATURED = 48  # selected and shortlisted cards shown above the rest
PAGE_SIZE = 24  # the rest, per page
PRODUCTIONS = 10  # the newest productions of a project checked for the call's work
FEATURED_STATES = (Entry.State.SELECTED, Entry.State.SHORTLISTED)
READ_WORDS = 400  # of a text entry, read where it is reviewed (as review.html cuts it)


@dataclass
class Card:
    entry: Entry
    media: Media
    notes: list[Decision] = field(default_factory=list)
    productions: list[Production] = field(default_factory=list)


@dataclass
class Gallery:
    featured: list[Card]
    rest: list[Card]
    next_cursor: str | None
    counts: dict[str, int]  # state → how many this viewer sees
    total: int
    productions: list[Production]  # that use one of the selected entries

    @property
    def tally(self) -> list[tuple[str, int]]:
        """(state, how many), the chosen first, those with entries only."""
        order = [*FEATURED_STATES, *(s for s in Entry.State if s not in FEATURED_STATES)]
        return [(s.label, self.counts[s]) for s in order if self.counts.get(s)]


def readable_notes(
    call: Call, viewer: Any, *, leader: bool | None = None
) -> QuerySet[Decision] | None:
    """The decisions with a note this viewer may read: every entry's for the call's
    leaders, their own for an entrant, none (None) for anyone else. Filtered in the
    query, so nobody else's note is ever loaded. `leader`: whether the viewer leads the
    call's project, when the caller knows already (else it is looked up)."""
    if viewer is None or not viewer.is_authenticated:
        return None
    notes = Decision.objects.exclude(note="").select_related("by").order_by("created_at", "id")
    if leader is None:
        leader = services.is_leader(viewer, call.project)
    if not leader:
        notes = notes.filter(entry__entrant=viewer)
    return notes


def notes_prefetch(call: Call, viewer: Any, *, leader: bool | None = None) -> Prefetch | None:
    """`readable_notes` for a list of the call's entries, as each entry's `notes`."""
    notes = readable_notes(call, viewer, leader=leader)
    return None if notes is None else Prefetch("decisions", queryset=notes, to_attr="notes")


def entry_notes(entry: Entry) -> list[Decision]:
    """The notes `notes_prefetch` loaded for this entry (none when it was not used)."""
    return list(getattr(entry, "notes", []))


# The columns a card reads (the call page, the review grid, the API's entries and
# `_using_productions`), and no more: whole rows of records, versions and members, with
# their descriptions, profiles and processing details, took twice as long to load
# (6.6 ms against 3.2 ms for the call page's 73 cards on the bench site).
CARD_FIELDS = (
    *("call_id", "record_id", "entrant_id", "state", "created_at", "score_count", "score_total"),
    *("record__owner_id", "record__kind", "record__title", "record__visibility"),
    *("record__deleted_at", "record__current_version_id"),
    *(
        f"record__current_version__{name}"
        for name in ("folder", "state", "metadata", "purged_at", "original_name", "mime")
    ),
    *("entrant__username", "entrant__display_name"),
)
TEXT_FIELD = "record__current_version__body_html"  # a text's body: the grid and the API


def card_rows(entries: QuerySet[Entry], *, text: bool = False) -> QuerySet[Entry]:
    """The entries with the columns their cards read (`CARD_FIELDS`), in one query; with
    `text`, a text entry's body too (`text_html`). `card_extras` loads the rest."""
    fields = (*CARD_FIELDS, TEXT_FIELD) if text else CARD_FIELDS
    return entries.select_related("record__current_version", "entrant").only(*fields)


def card_extras(viewer: Any, notes: Prefetch | None = None) -> list[str | Prefetch]:
    """What cards read besides their rows, for `prefetch_related`: the renditions; the
    co-creators, for a signed-in viewer only (whether they made a record decides which
    copy plays; nobody signed out made anything, and each card's share of that prefetch
    cost 40 µs); the notes, when given (`notes_prefetch`)."""
    extras: list[str | Prefetch] = ["record__current_version__renditions"]
    if viewer is not None and viewer.is_authenticated:
        extras.append("record__cocreators")
    if notes is not None:
        extras.append(notes)
    return extras


def for_cards(
    entries: QuerySet[Entry], viewer: Any, notes: Prefetch | None = None, *, text: bool = False
) -> QuerySet[Entry]:
    """What an entry's card shows (`card_rows` and `card_extras`), in a fixed number of
    queries whatever the count."""
    return card_rows(entries, text=text).prefetch_related(*card_extras(viewer, notes))


def text_html(record: Any) -> str | None:
    """A text entry's body, sanitized HTML cut at `READ_WORDS`: what reviewers read
    where they review it, since under blind review the record page (which names its
    author) is not theirs to open. None for other kinds and removed records."""
    version = record.current_version
    if record.kind != "text" or record.is_deleted or version is None:
        return None
    if version.purged_at is not None or not version.body_html:
        return None
    return Truncator(version.body_html).words(READ_WORDS, html=True)


def _card(entry: Entry, viewer: Any) -> Card:
    record = entry.record
    return Card(entry, card_media(record.current_version, record, viewer), entry_notes(entry))


def gallery(call: Call, viewer: Any, *, leader: bool, cursor: str | None = None) -> Gallery:
    """The entries of `call` this viewer may see, as the call page shows them; the
    leaders' notes on every card for the leaders (an entrant reads theirs under "your
    entries"). `leader`: whether the viewer leads the call's project. Raises
    `core.pagination.BadCursor` for a cursor that is not ours."""
    visible = services.visible_entries(call, viewer, leader=leader)
    notes = notes_prefetch(call, viewer, leader=True) if leader else None
    counts = dict(visible.order_by().values_list("state").annotate(n=Count("id")))
    selected_first = Case(
        When(state=Entry.State.SELECTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    # The featured ids first, from the index alone, then only those rows with their
    # joins: sorting a 700-entry shortlist as whole joined rows cost 5 ms.
    featured_ids = (
        visible.filter(state__in=FEATURED_STATES)
        .annotate(rank=selected_first)
        .order_by("rank", "-id")
        .values("pk")[:FEATURED]
    )
    featured_rows = list(
        card_rows(Entry.objects.filter(pk__in=featured_ids))
        .annotate(rank=selected_first)
        .order_by("rank", "-id")
    )
    rest = visible.exclude(pk__in=[e.pk for e in featured_rows])
    page = paginate(card_rows(rest), cursor=cursor, limit=PAGE_SIZE)
    # Both lists' media and notes in one pass: a query per kind, not two.
    prefetch_related_objects([*featured_rows, *page.items], *card_extras(viewer, notes))
    featured = [_card(e, viewer) for e in featured_rows]
    productions = _using_productions(call, viewer, featured)
    return Gallery(
        featured=featured,
        rest=[_card(e, viewer) for e in page.items],
        next_cursor=page.next_cursor,
        counts=counts,
        total=sum(counts.values()),
        productions=productions,
    )


def _using_productions(call: Call, viewer: Any, featured: list[Card]) -> list[Production]:
    """The project's productions whose lineage holds a selected entry, each card told
    which ones use it. One walk up each production's lineage (at most `PRODUCTIONS`),
    whatever the number of entries; a production the viewer may not see is left out."""
    selected = {c.entry.record_id: c for c in featured if c.entry.state == Entry.State.SELECTED}
    if not selected or call.project is None:
        return []
    found = []
    candidates = (
        Production.objects.filter(project=call.project)
        .select_related("record")
        .prefetch_related("record__cocreators")
        .order_by("-id")[:PRODUCTIONS]
    )
    for production in candidates:
        if not access.can_view(viewer, production.record):
            continue
        used = graph.ancestors_among(production.record_id, list(selected))
        for record_id in used:
            selected[record_id].productions.append(production)
        if used:
            found.append(production)
    return found


def own_entries(call: Call, viewer: Any, *, leader: bool) -> list[Card]:
    """The viewer's own entries to the call, withdrawn ones too, each with the leaders'
    notes to them: the first thing an entrant coming from a notification looks for.
    Listed by title, so without media: loading and signing it for a hundred entries
    that show none was a third of a leader's call page on the bench site."""
    if viewer is None or not viewer.is_authenticated:
        return []
    mine = (
        Entry.objects.filter(call=call, entrant=viewer)
        .select_related("record")
        .only("call_id", "record_id", "entrant_id", "state", "record__title", "record__deleted_at")
        .prefetch_related(notes_prefetch(call, viewer, leader=leader))
        .order_by("-id")[:100]
    )
    return [Card(e, Media(), entry_notes(e)) for e in mine]


def entries_html(
    request: HttpRequest, call: Call, *, leader: bool, cursor: str | None
) -> SafeString:
    """The call page's entries section as this viewer sees it: kept for all the
    project's leaders alike, and for all other members alike (core.fragments). Rendered
    afresh for whom it is not right: an entrant or creator of a card shown (their own
    name under blind review, their own copy to play), a creator of one of the project's
    productions (a draft of theirs may be listed), and a member who is no leader in a
    sealed call (who sees only their own entries). Raises BadCursor like `gallery`."""

    def render(viewer: Any) -> fragments.Shared:
        shown = gallery(call, viewer, leader=leader, cursor=cursor)
        context = {
            **fragments.context_for(viewer),
            "call": call,
            "gallery": shown,
            "paged": bool(cursor),  # past the first entries
            "names_hidden": services.names_hidden_from(viewer, call),
            "sealed": call.is_sealed_now and not leader,
            "is_leader": leader,
        }
        html = render_to_string("projects/_call_entries.html", context)
        if not viewer.is_authenticated:  # what visitors get is never a member's
            return fragments.Shared(html)
        return fragments.Shared(html, _people_in(call, [*shown.featured, *shown.rest]))

    member = request.user.is_authenticated
    return fragments.shared(
        request,
        "call-entries",
        call.pk,
        "leaders" if leader else "others",
        cursor or "",
        render=render,
        personal=member and call.is_sealed_now and not leader,
    )


def _people_in(call: Call, cards: list[Card]) -> frozenset[int]:
    """Who a card or a production could show differently: entrants, the records'
    creators (owners and co-creators), and the creators of the project's newest
    productions (one query, made only when the entries are rendered)."""
    people: set[int] = set()
    for card in cards:
        record = card.entry.record
        people.update((card.entry.entrant_id, record.owner_id))
        people.update(c.user_id for c in related(record, "cocreators"))
    if call.project_id is not None:
        newest = Production.objects.filter(project_id=call.project_id).order_by("-id")
        records = newest.values("record_id")[:PRODUCTIONS]
        people.update(Record.objects.filter(pk__in=records).values_list("owner_id", flat=True))
        people.update(
            CoCreator.objects.filter(record_id__in=records).values_list("user_id", flat=True)
        )
    return frozenset(people)
