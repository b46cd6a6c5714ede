"""The lineage of a production, frozen for a proposal: records, edges, creators.

One statement walks the graph once (as the credit roll does). Drafts are left out: a
draft is private, so it can be neither paid nor named; the edges into it go with it.
Removed records stay (tombstones): credit, and so money, is never lost.
"""

from __future__ import annotations

from typing import Any

from ensemble.lineage.graph import steered, walk_sql
from ensemble.lineage.models import Source
from ensemble.records.models import Record


def take(root_id: int) -> dict[str, Any]:
    """{"root", "records": {id: owner}, "edges": [[derived, source, kind]],
    "cocreators": {id: [user ids]}} for the record and all its ancestors."""
    walk = walk_sql("ancestors")
    sql = (
        walk  # noqa: S608 - fixed SQL; the only values are parameters
        + ", nodes(id) AS MATERIALIZED (SELECT id FROM walk UNION SELECT %s) "
        "SELECT 'r', r.id, r.owner_id, r.visibility, "
        "CASE WHEN r.deleted_at IS NULL THEN 0 ELSE 1 END "
        "FROM nodes JOIN records_record r ON r.id = nodes.id "
        "UNION ALL SELECT 'e', s.derived_id, s.source_id, s.kind, 0 "
        "FROM nodes CROSS JOIN lineage_source s WHERE s.derived_id = nodes.id "
        "UNION ALL SELECT 'c', c.record_id, c.user_id, NULL, 0 "
        "FROM nodes CROSS JOIN records_cocreator c "
        "WHERE c.record_id = nodes.id AND c.state = 'accepted'"
    )
    with steered() as cursor:
        cursor.execute(sql, [root_id, root_id])
        rows = cursor.fetchall()
    records: dict[str, int] = {}
    edges: list[list[Any]] = []
    cocreators: dict[str, list[int]] = {}
    for tag, a, b, c, removed in rows:
        if tag == "r":
            if c == Record.Visibility.PUBLIC or removed or a == root_id:
                records[str(a)] = b
        elif tag == "e":
            edges.append([a, b, c])
        else:
            cocreators.setdefault(str(a), []).append(b)
    # In the order the database gave: the split does not depend on it (a property test
    # says so), and sorting 200,000 edges cost PostgreSQL half a second.
    edges = [e for e in edges if str(e[0]) in records and str(e[1]) in records]
    return {"root": root_id, "records": records, "edges": edges, "cocreators": cocreators}


def default_weight(kind: str) -> int:
    """`uses` edges carry the money by default; `inspired_by` edges only if a leader
    gives them a weight."""
    return 1 if kind == Source.Kind.USES else 0
