"""What pages and the API show of a record's lineage, filtered for the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from ensemble.core import generations
from ensemble.lineage import credits, graph
from ensemble.lineage.models import Source
from ensemble.records.models import CoCreator, Record
from ensemble.records.present import thumbs_of

MAX_NODES = 500
SOURCES_SHOWN = 12  # on the record page and the credits; the rest on their own page
USED_IN_SHOWN = 8  # on the record page; the rest on their own page
LINE_NAMED = 3  # sources, and roots, the credit line names
# Counting stops here ("10,000+"): a popular record's 200,000 descendants took 0.4 s.
COUNT_CAP = 10_000


_NODE_FIELDS = (
    "title",
    "kind",
    "visibility",
    "current_version",
    "deleted_at",
    "owner__username",
    "owner__display_name",
    "owner__is_active",
)


def visible_records(ids: list[int] | set[int], viewer: Any) -> dict[int, Record]:
    """The records among `ids` the viewer may see in a lineage: public ones, their own
    and invited drafts, and tombstones (removed records stay in lineage)."""
    records = (
        Record.objects.filter(pk__in=list(ids))
        .filter(_visible_to(viewer, ""))
        .select_related("owner")
        # Up to MAX_NODES rows: only what the tree and the API show of each.
        .only(*_NODE_FIELDS)
    )
    return {r.pk: r for r in records}


def _visible_to(viewer: Any, via: str) -> Q:
    """`access.can_view_or_tombstone` in SQL, for the record at one end of an edge (`via`
    "source" or "derived") or, with `via` "", for records themselves: so that a list of
    thousands is filtered, counted and paged by the database. Public records, tombstones
    of once-public ones, and for a member their own records and the drafts they are
    invited to co-create (tests/test_used_in.py and test_all_sources.py hold the two
    together)."""
    at = f"{via}__" if via else ""
    alive = Q(**{f"{at}deleted_at__isnull": True})
    seen = (alive & Q(**{f"{at}visibility": Record.Visibility.PUBLIC})) | Q(
        **{f"{at}deleted_at__isnull": False, f"{at}published_at__isnull": False}
    )
    if viewer is None or not getattr(viewer, "is_authenticated", False) or viewer.pk is None:
        return seen  # a visitor, or "any member" (core.fragments): no drafts of theirs
    invited = CoCreator.objects.filter(
        record_id=OuterRef(f"{via}_id" if via else "pk"),
        user_id=viewer.pk,
        state__in=(CoCreator.State.INVITED, CoCreator.State.ACCEPTED),
    )
    return seen | Q(**{f"{at}owner_id": viewer.pk}) | (alive & Q(Exists(invited)))


DRAFTS_CHECKED = 200  # a member with more drafts gets their own lineage lists


def drafts_in_lineage(viewer: Any, record: Record, drafts: set[int] | None = None) -> bool:
    """Whether the record's lineage lists would show this member more than any member:
    one of the drafts they own or are invited to co-create is among its sources, the
    works using it, or the roots its credit line names. `drafts`: `member_drafts(viewer)`
    if the caller has it (kept, core.fragments). At most three statements, one for a
    member with no drafts (most): the drafts, then the edges and roots touching them."""
    if not getattr(viewer, "is_authenticated", False) or viewer.pk is None:
        return False
    if drafts is None:
        drafts = member_drafts(viewer)
    if not drafts:
        return False
    if len(drafts) > DRAFTS_CHECKED or drafts & set(_roots_above(record.pk)):
        return True
    ids = list(drafts)
    edges = Source.objects.filter(derived=record, source_id__in=ids).order_by().values("pk")
    uses = Source.objects.filter(source=record, derived_id__in=ids).order_by().values("pk")
    return edges.union(uses).exists()


def member_drafts(viewer: Any) -> set[int]:
    """The drafts the member owns or is invited to co-create (those with no
    `published_at`: a record is never made a draft again), at most DRAFTS_CHECKED + 1:
    one more says "too many to check each"."""
    owned = (
        Record.objects.filter(owner_id=viewer.pk, published_at__isnull=True)
        .order_by()
        .values_list("pk", flat=True)
    )
    invited = (
        CoCreator.objects.filter(
            user_id=viewer.pk,
            state__in=(CoCreator.State.INVITED, CoCreator.State.ACCEPTED),
            record__published_at__isnull=True,
        )
        .order_by()
        .values_list("record_id", flat=True)
    )
    return set(owned.union(invited)[: DRAFTS_CHECKED + 1])


def sources(record: Record, viewer: Any) -> QuerySet[Source]:
    """The edges to what this record uses or was inspired by that the viewer may see,
    newest first: drafts of others are neither listed nor counted."""
    return (
        Source.objects.filter(derived=record)
        .filter(_visible_to(viewer, "source"))
        .select_related("source__owner", "source_version")
        .order_by("-id")
    )


def used_in(record: Record, viewer: Any) -> QuerySet[Source]:
    """The edges from works using this record (or inspired by it) that the viewer may
    see, newest first: drafts of others are neither listed nor counted."""
    return (
        Source.objects.filter(source=record)
        .filter(_visible_to(viewer, "derived"))
        .select_related("derived__owner")
        .order_by("-id")
    )


@dataclass(frozen=True)
class Sources:
    """The newest few sources of a record, for its page, and how many there are."""

    edges: list[Source]
    count: int  # stops at COUNT_CAP
    uses: int  # how many of those it uses (the others inspired it), within the same cap
    capped: bool


def sources_summary(record: Record, viewer: Any, *, shown: int = SOURCES_SHOWN) -> Sources:
    """Two statements, however many sources the record has: the first `shown`, and how
    many there are (and how many of them it uses) in all."""
    edges = sources(record, viewer)
    counts = edges.order_by()[:COUNT_CAP].aggregate(
        total=Count("pk"), uses=Count("pk", filter=Q(kind=Source.Kind.USES))
    )
    total = int(counts["total"])
    return Sources(
        edges=list(edges[:shown]) if total else [],
        count=total,
        uses=int(counts["uses"]),
        capped=total >= COUNT_CAP,
    )


@dataclass(frozen=True)
class UsedIn:
    """The first few works using a record, for its page, and how many there are."""

    edges: list[Source]
    count: int  # stops at COUNT_CAP
    capped: bool


def used_in_summary(record: Record, viewer: Any, *, shown: int = USED_IN_SHOWN) -> UsedIn:
    """Two statements, however many works use the record: the first `shown`, and how many
    there are in all."""
    edges = used_in(record, viewer)
    count = count_capped(edges)
    return UsedIn(edges=list(edges[:shown]), count=count, capped=count >= COUNT_CAP)


def count_capped(edges: QuerySet[Source]) -> int:
    """How many, up to COUNT_CAP: counting a famous record's every use is not worth a
    slow page."""
    return edges.order_by()[:COUNT_CAP].count()


@dataclass(frozen=True)
class CreditLine:
    remix_of: list[Record]
    more: int  # further direct sources not named in the line
    more_capped: bool  # `more` stopped counting at COUNT_CAP
    originally: list[Record]


def credit_line(record: Record, summary: Sources, viewer: Any) -> CreditLine | None:
    """ "remix of X by A · originally Y by B": the newest direct `uses` sources the viewer
    may see, and the oldest roots (ancestors that use nothing) when they are further up.

    A bounded number of statements whatever the lineage: the sources come from the page's
    summary (one more statement only when its first few are mostly inspirations), the
    roots from `graph.roots_above`, kept under the credit rolls' generation because
    finding the oldest roots walks the whole ancestry (28 ms for 12,700 ancestors)."""
    if not summary.uses:
        return None
    named = min(LINE_NAMED, summary.uses)
    used = [e.source for e in summary.edges if e.kind == Source.Kind.USES][:named]
    if len(used) < named:
        kept = sources(record, viewer).filter(kind=Source.Kind.USES)[:named]
        used = [e.source for e in kept]
    roots = _roots_above(record.pk)
    originally = (
        list(
            Record.objects.filter(pk__in=roots)
            .filter(_visible_to(viewer, ""))
            .select_related("owner")
            .order_by("pk")
        )
        if roots
        else []
    )
    return CreditLine(
        remix_of=used,
        more=max(0, summary.uses - named),
        more_capped=summary.capped,
        originally=originally,
    )


def _roots_above(record_id: int) -> list[int]:
    """`graph.roots_above`, cached until anything a credit roll depends on changes
    (which includes every citation added or removed)."""
    key = f"lineage:roots:{record_id}:{generations.current(credits.CACHE_FAMILY)}"
    roots: list[int] | None = cache.get(key)
    if roots is None:
        roots = graph.roots_above(record_id, limit=LINE_NAMED)
        cache.set(key, roots, credits.CACHE_SECONDS)
    return roots


@dataclass
class Node:
    record: Record
    depth: int  # negative above (ancestors), positive below (descendants), 0 the record
    thumb: str | None = None  # filled in by `add_thumbs`


def neighbourhood(
    record: Record, viewer: Any, *, up: int, down: int
) -> tuple[list[Node], list[graph.Edge], bool]:
    """Records within `up` steps above and `down` below, the edges between them, and
    whether anything was left out to keep the picture readable. Without thumbnails:
    the tree draws only a few dozen of up to MAX_NODES (`add_thumbs`)."""
    above, cut_above = _nearest(record, "ancestors", up)
    below, cut_below = _nearest(record, "descendants", down)
    depths = {record.pk: 0, **{k: -v for k, v in above.items()}, **below}
    truncated = cut_above or cut_below or len(depths) > MAX_NODES
    if len(depths) > MAX_NODES:
        keep = sorted(depths, key=lambda pk: (abs(depths[pk]), pk))[:MAX_NODES]
        depths = {pk: depths[pk] for pk in keep}
    shown = visible_records(set(depths) - {record.pk}, viewer)
    shown[record.pk] = record
    nodes = [Node(r, depths[pk]) for pk, r in shown.items()]
    edges = graph.edges_among(set(shown))
    return nodes, edges, truncated


def _nearest(record: Record, direction: graph.Direction, steps: int) -> tuple[dict[int, int], bool]:
    """The nearest records `steps` away at most: twice MAX_NODES rows are enough to fill
    the picture (a record reached along several paths comes once per distance), and
    stopping there spares walking thousands that would be left out."""
    if not steps:
        return {}, False
    return graph.nearest(record.pk, direction, depth=steps, limit=2 * MAX_NODES)


def add_thumbs(nodes: list[Node]) -> None:
    """Each node's thumbnail, in two statements for all (`records.present.thumbs_of`)."""
    thumbs = thumbs_of([n.record for n in nodes])
    for node in nodes:
        node.thumb = thumbs.get(node.record.pk)
