"""What pages and the API show of a record's lineage, filtered for the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ensemble.lineage import graph
from ensemble.lineage.models import Source
from ensemble.records import access
from ensemble.records.models import Record
from ensemble.records.present import media_for

MAX_NODES = 500


def visible_records(ids: list[int] | set[int], viewer: Any) -> dict[int, Record]:
    """The records among `ids` the viewer may see in a lineage: public ones, their own
    and invited drafts, and tombstones (removed records stay in lineage)."""
    records = (
        Record.objects.filter(pk__in=list(ids))
        .select_related("owner", "current_version")
        .prefetch_related("current_version__renditions", "cocreators")
    )
    return {r.pk: r for r in records if access.can_view_or_tombstone(viewer, r)}


def edges_for(record: Record, viewer: Any, *, upward: bool) -> list[Source]:
    """This record's sources (upward) or the records using it, that the viewer may see."""
    if upward:
        query = Source.objects.filter(derived=record).select_related(
            "source__owner", "source_version"
        )
    else:
        query = Source.objects.filter(source=record).select_related("derived__owner")
    edges = list(query.order_by("-id"))
    other_ids = {e.source_id if upward else e.derived_id for e in edges}
    allowed = visible_records(other_ids, viewer)
    return [e for e in edges if (e.source_id if upward else e.derived_id) in allowed]


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
