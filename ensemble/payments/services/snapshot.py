"""The lineage of a production, frozen for a proposal: records, edges, creators.

The lineage app reads the ancestry (`lineage.graph.ancestry`: one statement, one walk of
the graph); this module applies payments' rule to it. Drafts are left out: a draft is
private, so it can be neither paid nor named; the edges into it go with it (the root is
kept whatever its visibility). Removed records stay (tombstones), and so do records
moderators hid: credit, and so money, is never lost.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ensemble.lineage import graph
from ensemble.lineage.models import Source
from ensemble.records.models import Record

if TYPE_CHECKING:
    from ensemble.payments.models import Revision


def take(root_id: int) -> dict[str, Any]:
    """{"root", "records": {id: owner}, "edges": [(derived, source, kind)],
    "cocreators": {id: [user ids]}} for the record and all its ancestors, ready for
    `json.dumps` (the edges' triples become arrays: 200,000 lists cost more than the
    rest of this function)."""
    found = graph.ancestry(root_id)
    paid = (Record.Visibility.PUBLIC, Record.Visibility.HIDDEN)
    records = {
        str(rid): owner
        for rid, owner, visibility, removed in found.records
        if visibility in paid or removed or rid == root_id
    }
    # In the order the database gave: the split does not depend on it (a property test
    # says so), and sorting 200,000 edges cost PostgreSQL half a second. Every edge
    # starts and ends in the ancestry, so only dropped drafts make a filter needed.
    edges: list[Any] = found.edges
    if len(records) < len(found.records):
        edges = [e for e in edges if str(e[0]) in records and str(e[1]) in records]
    cocreators: dict[str, list[int]] = {}
    for rid, uid in found.cocreators:
        if str(rid) in records:  # a dropped draft's number stays out of the stored proposal
            cocreators.setdefault(str(rid), []).append(uid)
    return {"root": root_id, "records": records, "edges": edges, "cocreators": cocreators}


def default_weight(kind: str) -> int:
    """`uses` edges carry the money by default; `inspired_by` edges only if a leader
    gives them a weight."""
    return 1 if kind == Source.Kind.USES else 0


def of(revision: Revision) -> dict[str, Any]:
    """The lineage `revision` was computed from: its own if it followed a change, else
    that of the latest revision before it that did, else the proposal's first. Kept on
    the instance: explaining a line asks for it more than once."""
    cached: dict[str, Any] | None = getattr(revision, "_lineage", None)
    if cached is not None:
        return cached
    text = revision.lineage_json or (
        type(revision)
        .objects.filter(proposal_id=revision.proposal_id, number__lt=revision.number)
        .exclude(lineage_json="")
        .order_by("-number")
        .values_list("lineage_json", flat=True)
        .first()
    )
    found: dict[str, Any] = json.loads(text) if text else revision.proposal.snapshot
    revision._lineage = found  # type: ignore[attr-defined]
    return found


def with_citation(frozen: dict[str, Any], derived: int, source: int) -> dict[str, Any] | None:
    """`frozen` with one `uses` citation added, as moderators add a missing credit: the
    source and its ancestry as they are now join the lineage; nothing else in it moves
    (a citation its owners made since stays out, as when the proposal was made). None
    when the lineage does not hold `derived`, or holds the citation already."""
    if str(derived) not in frozen["records"]:
        return None
    present = {(d, s) for d, s, _ in frozen["edges"]}
    if (derived, source) in present:
        return None
    extra = take(source)
    edges = [*frozen["edges"], [derived, source, Source.Kind.USES.value]]
    edges += [list(e) for e in extra["edges"] if (e[0], e[1]) not in present]
    return {
        "root": frozen["root"],
        "records": {**extra["records"], **frozen["records"]},
        "edges": edges,
        "cocreators": {**extra["cocreators"], **frozen["cocreators"]},
    }


def without_citation(frozen: dict[str, Any], derived: int, source: int) -> dict[str, Any] | None:
    """`frozen` with one citation taken out (an added credit withdrawn on appeal), and
    whatever the production no longer reaches without it. None when it is not there."""
    edges = [e for e in frozen["edges"] if not (e[0] == derived and e[1] == source)]
    if len(edges) == len(frozen["edges"]):
        return None
    sources: dict[int, list[int]] = {}
    for d, s, _ in edges:
        sources.setdefault(d, []).append(s)
    root = frozen["root"]
    reached, waiting = {root}, [root]
    while waiting:
        for s in sources.get(waiting.pop(), ()):
            if s not in reached:
                reached.add(s)
                waiting.append(s)
    return {
        "root": root,
        "records": {r: o for r, o in frozen["records"].items() if int(r) in reached},
        "edges": [e for e in edges if e[0] in reached and e[1] in reached],
        "cocreators": {r: p for r, p in frozen["cocreators"].items() if int(r) in reached},
    }
