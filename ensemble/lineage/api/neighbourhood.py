"""The records around a record: its sources above, the works using it below."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Schema

from ensemble.accounts import http
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.ids import Id
from ensemble.lineage import graph, present
from ensemble.lineage.api.base import RecordRef, ref, router, visible_record

# Counting a lineage walks it: up to 1,000 records costs ~3.5 ms, up to 10,000 ~22.
LINEAGE_COUNT_CAP = 1_000


class NodeOut(Schema):
    record: RecordRef
    depth: int
    thumb: str | None


class EdgeOut(Schema):
    derived: int
    source: int
    kind: str


class LineageOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool
    ancestor_count: int
    descendant_count: int
    counts_capped_at: int


@router.get("/records/{record_id}/lineage", response={200: LineageOut, **ERRORS}, auth=None)
def lineage(
    request: HttpRequest,
    record_id: Id,
    direction: Literal["ancestors", "descendants", "both"] = "both",
    depth: int = Query(3, ge=1, le=50),
) -> dict[str, Any]:
    """The records around this one: `depth` is negative above (its sources, theirs …)
    and positive below (works using it). Drafts you cannot see are left out. The counts
    are of the whole lineage you may see (not only `depth` steps), up to `counts_capped_at`."""
    record = visible_record(request, record_id)
    up = depth if direction in ("ancestors", "both") else 0
    down = depth if direction in ("descendants", "both") else 0
    viewer = http.api_viewer(request)
    viewer_id = viewer.pk if viewer is not None else None
    nodes, edges, truncated = present.neighbourhood(record, viewer, up=up, down=down)
    present.add_thumbs(nodes)
    return {
        "nodes": [{"record": ref(n.record), "depth": n.depth, "thumb": n.thumb} for n in nodes],
        "edges": [{"derived": e.derived_id, "source": e.source_id, "kind": e.kind} for e in edges],
        "truncated": truncated,
        "ancestor_count": graph.count_visible(
            record.pk, "ancestors", viewer_id=viewer_id, cap=LINEAGE_COUNT_CAP
        ),
        "descendant_count": graph.count_visible(
            record.pk, "descendants", viewer_id=viewer_id, cap=LINEAGE_COUNT_CAP
        ),
        "counts_capped_at": LINEAGE_COUNT_CAP,
    }
