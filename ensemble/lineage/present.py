"""What pages and the API show of a record's lineage, filtered for the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ensemble.lineage import graph
from ensemble.lineage.models import Source
from ensemble.records import access
from ensemble.records.models import CoCreator, Record
from ensemble.records.present import media_for

MAX_NODES = 500
USED_IN_SHOWN = 8  # on the record page; the rest on their own page
# Counting stops here ("10,000+"): a popular record's 200,000 descendants took 0.4 s.
COUNT_CAP = 10_000


def visible_records(ids: list[int] | set[int], viewer: Any) -> dict[int, Record]:
    """The records among `ids` the viewer may see in a lineage: public ones, their own
    and invited drafts, and tombstones (removed records stay in lineage)."""
    records = (
        Record.objects.filter(pk__in=list(ids))
        .select_related("owner", "current_version")
        .prefetch_related("current_version__renditions", "cocreators")
    )
    return {r.pk: r for r in records if access.can_view_or_tombstone(viewer, r)}


def sources_for(record: Record, viewer: Any) -> list[Source]:
    """This record's sources (what it uses or was inspired by) that the viewer may see."""
    edges = list(
        Source.objects.filter(derived=record)
        .select_related("source__owner", "source_version")
        .order_by("-id")
    )
    allowed = visible_records({e.source_id for e in edges}, viewer)
    return [e for e in edges if e.source_id in allowed]


def _derived_visible_to(viewer: Any) -> Q:
    """`access.can_view_or_tombstone` for the derived end of an edge, in SQL, so that a
    list of thousands of uses is filtered, counted and paged by the database: public
    records, tombstones of once-public ones, and for a member their own records and the
    drafts they are invited to co-create (tests/test_used_in.py holds the two together)."""
    alive = Q(derived__deleted_at__isnull=True)
    seen = (alive & Q(derived__visibility=Record.Visibility.PUBLIC)) | Q(
        derived__deleted_at__isnull=False, derived__published_at__isnull=False
    )
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return seen
    invited = CoCreator.objects.filter(
        record_id=OuterRef("derived_id"),
        user_id=viewer.pk,
        state__in=(CoCreator.State.INVITED, CoCreator.State.ACCEPTED),
    )
    return seen | Q(derived__owner_id=viewer.pk) | (alive & Q(Exists(invited)))


def used_in(record: Record, viewer: Any) -> QuerySet[Source]:
    """The edges from works using this record (or inspired by it) that the viewer may
    see, newest first: drafts of others are neither listed nor counted."""
    return (
        Source.objects.filter(source=record)
        .filter(_derived_visible_to(viewer))
        .select_related("derived__owner")
        .order_by("-id")
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
    originally: list[Record]


def credit_line(record: Record, sources: list[Source], viewer: Any) -> CreditLine | None:
    """ "remix of X by A · originally Y by B": the direct `uses` sources, and the roots
    (ancestors with no sources of their own) when they are further up."""
    used = [e.source for e in sources if e.kind == Source.Kind.USES]
    if not used:
        return None
    ancestors = set(graph.reachable(record.pk, "ancestors", uses_only=True))
    with_sources = set(
        Source.objects.filter(derived_id__in=ancestors, kind=Source.Kind.USES).values_list(
            "derived_id", flat=True
        )
    )
    roots = ancestors - with_sources - {r.pk for r in used}
    shown = visible_records(sorted(roots)[:3], viewer)
    return CreditLine(
        remix_of=used[:3], more=max(0, len(used) - 3), originally=list(shown.values())
    )


@dataclass
class Node:
    record: Record
    depth: int  # negative above (ancestors), positive below (descendants), 0 the record
    thumb: str | None


def neighbourhood(
    record: Record, viewer: Any, *, up: int, down: int
) -> tuple[list[Node], list[graph.Edge], bool]:
    """Records within `up` steps above and `down` below, the edges between them, and
    whether anything was left out to keep the picture readable."""
    above = graph.within(record.pk, "ancestors", depth=up) if up else {}
    below = graph.within(record.pk, "descendants", depth=down) if down else {}
    depths = {record.pk: 0, **{k: -v for k, v in above.items()}, **below}
    truncated = len(depths) > MAX_NODES
    if truncated:
        keep = sorted(depths, key=lambda pk: (abs(depths[pk]), pk))[:MAX_NODES]
        depths = {pk: depths[pk] for pk in keep}
    shown = visible_records(set(depths), viewer)
    shown[record.pk] = record
    nodes = [
        Node(r, depths[pk], media_for(r.current_version, r, viewer).thumb)
        for pk, r in shown.items()
    ]
    edges = graph.edges_among(set(shown))
    return nodes, edges, truncated
