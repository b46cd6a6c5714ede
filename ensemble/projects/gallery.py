"""A call's entries as the call page shows them: a gallery, the chosen work first.

Steps of `gallery`:
1. Count the entries this viewer may see, by state (one query).
2. The featured entries: selected, then shortlisted, newest first; at most `FEATURED`.
3. The rest, newest first, a page at a time by cursor (`core.pagination`); the featured
   ones are left out, so an overflowing shortlist still shows up among them.
4. Each card's media (thumbnail, poster, player, excerpt), and for the leaders the
   notes they wrote to the entrants (`notes_prefetch`).
5. The project's productions that use a selected entry, among those the viewer may see.

Whatever the number of entries, a fixed number of queries: the page's tests assert it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.utils.text import Truncator

from ensemble.core.pagination import paginate
from ensemble.lineage import graph
from ensemble.projects import services
from ensemble.projects.models import Call, Decision, Entry, Production
from ensemble.records import access
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


def readable_notes(call: Call, viewer: Any) -> QuerySet[Decision] | None:
    """The decisions with a note this viewer may read: every entry's for the call's
    leaders, their own for an entrant, none (None) for anyone else. Filtered in the
    query, so nobody else's note is ever loaded."""
    if viewer is None or not viewer.is_authenticated:
        return None
    notes = Decision.objects.exclude(note="").select_related("by").order_by("created_at", "id")
    if not services.is_leader(viewer, call.project):
        notes = notes.filter(entry__entrant=viewer)
    return notes


def notes_prefetch(call: Call, viewer: Any) -> Prefetch | None:
    """`readable_notes` for a list of the call's entries, as each entry's `notes`."""
    notes = readable_notes(call, viewer)
    return None if notes is None else Prefetch("decisions", queryset=notes, to_attr="notes")


def entry_notes(entry: Entry) -> list[Decision]:
    """The notes `notes_prefetch` loaded for this entry (none when it was not used)."""
    return list(getattr(entry, "notes", []))


def for_cards(entries: QuerySet[Entry], notes: Prefetch | None = None) -> QuerySet[Entry]:
    """What an entry's card shows, in a fixed number of queries whatever the count."""
    entries = entries.select_related("record__current_version").prefetch_related(
        "record__current_version__renditions", "record__cocreators"
    )
    return entries.prefetch_related(notes) if notes is not None else entries


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


def gallery(call: Call, viewer: Any, *, cursor: str | None = None) -> Gallery:
    """The entries of `call` this viewer may see, as the call page shows them; the
    leaders' notes on every card for the leaders (an entrant reads theirs under "your
    entries"). Raises `core.pagination.BadCursor` for a cursor that is not ours."""
    visible = services.visible_entries(call, viewer)
    notes = notes_prefetch(call, viewer) if services.is_leader(viewer, call.project) else None
    counts = dict(visible.order_by().values_list("state").annotate(n=Count("id")))
    featured_rows = list(
        for_cards(visible.filter(state__in=FEATURED_STATES), notes)
        .annotate(
            rank=Case(
                When(state=Entry.State.SELECTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-id")[:FEATURED]
    )
    rest = visible.exclude(pk__in=[e.pk for e in featured_rows])
    page = paginate(for_cards(rest, notes), cursor=cursor, limit=PAGE_SIZE)
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


def own_entries(call: Call, viewer: Any) -> list[Card]:
    """The viewer's own entries to the call, withdrawn ones too, each with the leaders'
    notes to them: the first thing an entrant coming from a notification looks for."""
    if viewer is None or not viewer.is_authenticated:
        return []
    mine = Entry.objects.filter(call=call, entrant=viewer).select_related("record__owner")
    rows = for_cards(mine, notes_prefetch(call, viewer)).order_by("-id")[:100]
    return [_card(e, viewer) for e in rows]
