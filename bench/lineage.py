"""`make bench-lineage`: lineage walks and credit rolls on a 1,000,000-record remix graph.

Steps:
1. Generate a seeded graph shaped like shared/FACTS.md's (bench/graphgen.py): 1,000,000
   records, ~3,000,000 edges, chains of depth 200, a record with a 5,000-source fan-in
   and ~12,500 ancestors (the **target**), an early **popular** record with ~190,000
   descendants; 20,000 members owning the records, co-creators, role tags and skills.
2. For each database: a throwaway database (an SQLite file in a temporary folder, or the
   PostgreSQL database `ensemble_bench_lineage`), migrated by `ensemble migrate` as an
   operator would, then bulk-loaded (PostgreSQL COPY; SQLite executemany in one
   transaction), secondary indexes rebuilt after the load, then ANALYZE (PostgreSQL:
   VACUUM ANALYZE, as autovacuum would leave it).
3. In a fresh process with Django set up against that database (DEBUG off, as bench/run.py
   configures it), time the application's own functions: `graph.reachable` (ancestors),
   `credits.credit_roll` for the target and for a p90 record, `graph.is_ancestor` at its
   worst (no hit: the whole 12,500-record ancestry is walked) and `graph.count` of the
   popular record's descendants. Warm-up runs first, then the median and p95 of RUNS.
4. The reference: the same walks with networkx on the same graph, in memory, measured in
   the same run right after each database's figures.
5. Rewrite the `bench:lineage-sqlite` / `bench:lineage-postgres` sections of
   docs/benchmarks.md (not with `--quick`, a 100,000-record smoke run that only prints).

Goals (issue 4): ancestors ≤ 50 ms, credit roll ≤ 100 ms.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import graphgen
from bulkload import load, words
from graphgen import Facts, Graph
from harness import (
    BenchError,
    Laps,
    arguments,
    database_facts,
    engines,
    interleaved,
    measure_in_child,
    migrate,
    run,
    summary,
    throwaway,
)
from report import Page, machine_line, ms, table, verdict

ANCESTORS_GOAL_MS = 50
CREDITS_GOAL_MS = 100
RUNS = 20
WARMUP = 3
QUERIES = words(  # what the child times, in its order
    "ancestors credit_roll ancestry_rows cached_credit_roll p90_ancestors p90_credit_roll "
    "cycle_check descendants"
)


# --- timing --------------------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int, warmup: int) -> dict[str, float]:
    return summary(interleaved({"one": fn}, runs, warmup=warmup)["one"])


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """In the child: Django set up against the loaded database."""
    from ensemble.lineage import credits, graph

    target, p90, popular = spec["target"], spec["p90"], spec["popular"]
    out: dict[str, Any] = database_facts("jit")
    found = graph.reachable(target, "ancestors")
    out["target_check"] = [len(found), sum(found)]
    roll = credits.credit_roll(target)
    out["target_roll"] = [roll.record_count, roll.people_count]
    p90_roll = credits.credit_roll(p90)
    out["p90_roll"] = [p90_roll.record_count, p90_roll.people_count]
    calls: dict[str, Callable[[], object]] = {
        "ancestors": lambda: graph.reachable(target, "ancestors"),
        "credit_roll": lambda: credits.credit_roll(target),
        "ancestry_rows": lambda: credits._fetch(target),
        # What pages and the API call: the roll from the cache, once computed (the
        # warm-up fills it; nothing changes the lineage during the run).
        "cached_credit_roll": lambda: credits.cached_credit_roll(target),
        "p90_ancestors": lambda: graph.reachable(p90, "ancestors"),
        "p90_credit_roll": lambda: credits.credit_roll(p90),
        "cycle_check": lambda: graph.is_ancestor(spec["outsider"], target),
        "descendants": lambda: graph.count(popular, "descendants"),
    }
    # The descendants of the popular record take seconds: one warm-up, fewer runs.
    times = interleaved(
        calls,
        spec["runs"],
        warmup={name: 1 if name == "descendants" else WARMUP for name in calls},
        enough=lambda name, done: name == "descendants" and len(done) >= spec["slow_runs"],
    )
    out.update((name, summary(values)) for name, values in times.items())
    out["is_ancestor_result"] = graph.is_ancestor(spec["outsider"], target)
    out["descendant_count"] = graph.count(popular, "descendants")
    return out


@dataclass
class Reference:
    """networkx on the same graph: edges derived → source, so a record's ancestors (its
    sources, their sources, …) are what networkx calls its descendants."""

    build_s: float
    graph: Any

    @classmethod
    def build(cls, g: Graph) -> Reference:
        import networkx as nx

        start = time.perf_counter()
        reference = nx.DiGraph()
        reference.add_nodes_from(range(1, g.records + 1))
        offsets, sources = g.offsets, g.sources
        reference.add_edges_from(
            (r, s) for r in range(1, g.records + 1) for s in sources[offsets[r] : offsets[r + 1]]
        )
        return cls(time.perf_counter() - start, reference)

    def measure(self, spec: dict[str, Any]) -> dict[str, Any]:
        import networkx as nx

        graph, runs = self.graph, spec["runs"]
        target, p90, popular = spec["target"], spec["p90"], spec["popular"]
        return {
            "ancestors": timed(lambda: nx.descendants(graph, target), runs, WARMUP),
            "p90_ancestors": timed(lambda: nx.descendants(graph, p90), runs, WARMUP),
            "cycle_check": timed(
                lambda: spec["outsider"] in nx.descendants(graph, target), runs, WARMUP
            ),
            "descendants": timed(lambda: len(nx.ancestors(graph, popular)), spec["slow_runs"], 1),
            "target_count": len(nx.descendants(graph, target)),
            "descendant_count": len(nx.ancestors(graph, popular)),
        }


# --- report --------------------------------------------------------------------------


def spec_for(facts: Facts, quick: bool) -> dict[str, Any]:
    g = facts.graph
    return {
        "target": g.target,
        "p90": facts.p90,
        "popular": g.popular,
        "outsider": facts.outsider,
        "runs": RUNS,
        "slow_runs": 3 if quick else 5,
    }


def section(
    facts: Facts,
    sql: dict[str, Any],
    nx_ref: dict[str, Any],
    laps: Laps,
    page: Page,
    nx_build_s: float,
) -> str:
    g = facts.graph
    machine = machine_line(
        sql["database"] + (f" (jit {sql['jit']})" if "jit" in sql else ""),
        f"Django {version('django')}",
        f"networkx {version('networkx')}",
        load_before=page.load_before,
    )
    shape = (
        f"The graph (bench/graphgen.py, seed {graphgen.SEED}): {g.records:,} records, "
        f"{g.edges:,} edges, {g.users:,} members, {len(g.cocreators):,} co-creators, "
        f"{len(g.tags):,} tags. Ancestors in a sample of 2,000 records: p50 "
        f"{facts.sample['p50']}, p90 {facts.sample['p90']}, p99 {facts.sample['p99']}, max "
        f"{facts.sample['max']}. The **target** #{g.target} has {graphgen.FAN_IN:,} sources "
        f"and {facts.target_ancestors:,} ancestors, depth {facts.target_depth}; the **p90 "
        f"record** #{facts.p90} has {facts.p90_ancestors}; the **popular** record "
        f"#{g.popular} has {facts.popular_descendants:,} descendants. Generated in "
        f"{facts.generate_s:.0f} s; loaded in {sum(laps.values()):.0f} s (migrate "
        f"{laps['migrate']:.0f} s, rows {laps['rows']:.0f} s, secondary indexes "
        f"{laps['index']:.0f} s, {'VACUUM ' if 'jit' in sql else ''}ANALYZE "
        f"{laps['analyze']:.0f} s); the networkx graph built in {nx_build_s:.0f} s."
    )

    def row(label: str, key: str, ref_key: str | None, limit: float | None) -> tuple:
        ours = sql[key]
        ref = nx_ref[ref_key]["median_ms"] if ref_key else None
        return (
            label,
            ms(ours["median_ms"]),
            ms(ours["p95_ms"]),
            ours["runs"],
            "—" if ref is None else ms(ref),
            "—" if ref is None else f"{ours['median_ms'] / ref:.1f}×",
            f"≤ {limit} ms: {verdict(ours['median_ms'] <= limit)}" if limit else "—",
        )

    target_roll, p90_roll = sql["target_roll"], sql["p90_roll"]
    rows = [
        row(
            f"ancestors of the target (`graph.reachable`, {facts.target_ancestors:,} ids)",
            "ancestors",
            "ancestors",
            ANCESTORS_GOAL_MS,
        ),
        row(
            f"credit roll of the target (`credits.credit_roll`: {target_roll[0]:,} records, "
            f"{target_roll[1]:,} people)",
            "credit_roll",
            None,
            CREDITS_GOAL_MS,
        ),
        row("… of which its one query (`_fetch`)", "ancestry_rows", None, None),
        row(
            "credit roll of the target as pages get it (`credits.cached_credit_roll`, cached)",
            "cached_credit_roll",
            None,
            CREDITS_GOAL_MS,
        ),
        row(
            f"ancestors of the p90 record ({facts.p90_ancestors} ids)",
            "p90_ancestors",
            "p90_ancestors",
            ANCESTORS_GOAL_MS,
        ),
        row(
            f"credit roll of the p90 record ({p90_roll[0]} records, {p90_roll[1]} people)",
            "p90_credit_roll",
            None,
            CREDITS_GOAL_MS,
        ),
        row(
            "cycle check at its worst (`graph.is_ancestor`, no hit: walks the target's "
            "whole ancestry)",
            "cycle_check",
            "cycle_check",
            None,
        ),
        row(
            f"descendants of the popular record (`graph.count`, {facts.popular_descendants:,})",
            "descendants",
            "descendants",
            None,
        ),
    ]
    head = ("query (the application's function)", "median", "p95", "runs", "networkx")
    return (
        page.header() + f"{machine}\n\n{shape}\n\n"
        f"Each row: {WARMUP} warm-up calls (1 for descendants), then the timed runs, all rows "
        "interleaved round by round, in one process with Django set up against the loaded "
        "database (DEBUG off). networkx: `nx.descendants` (edges derived → source) on the "
        "same graph in memory, timed in the same run right after.\n\n"
        + table((*head, "SQL ÷ networkx", "goal"), "lrrrrrl", rows)
        + "\n"
    )


SKELETON = """

## Lineage: ancestors and credit rolls

`make bench-lineage` (`bench/lineage.py`, about 7 minutes) generates a seeded remix graph
of 1,000,000 records and ~3,000,000 edges shaped like the one measured in
`shared/FACTS.md` (bench/graphgen.py), bulk-loads it into a throwaway SQLite file and a
throwaway PostgreSQL database, and times the application's own lineage functions on it,
against networkx walking the same graph in memory in the same run:

```sh
make bench-lineage                                   # both databases, rewrites the sections below
.venv/bin/python bench/lineage.py --db postgres      # one database
.venv/bin/python bench/lineage.py --quick            # smoke run: 100,000 records; prints only
```

### Lineage, SQLite

<!-- bench:lineage-sqlite:start -->
<!-- bench:lineage-sqlite:end -->

### Lineage, PostgreSQL

<!-- bench:lineage-postgres:start -->
<!-- bench:lineage-postgres:end -->

### Reading the lineage figures

<!-- bench:lineage-reading:start -->
<!-- bench:lineage-reading:end -->
"""


# --- main ----------------------------------------------------------------------------


def check(facts: Facts, sql: dict[str, Any], ref: dict[str, Any]) -> None:
    """The database and networkx must find what the generator made."""
    g = facts.graph
    expected = g.ancestors(g.target)
    if sql["target_check"] != [len(expected), sum(expected)]:
        raise BenchError(f"SQL found {sql['target_check']} ancestors, expected {len(expected)}")
    if ref["target_count"] != len(expected):
        raise BenchError(f"networkx found {ref['target_count']} ancestors")
    if sql["target_roll"][0] != len(expected) + 1:
        raise BenchError(f"The credit roll has {sql['target_roll'][0]} records")
    if not sql["descendant_count"] == ref["descendant_count"] == facts.popular_descendants:
        raise BenchError(
            f"Descendants: SQL {sql['descendant_count']}, networkx {ref['descendant_count']}, "
            f"generator {facts.popular_descendants}"
        )
    if sql["is_ancestor_result"]:
        raise BenchError("The cycle check found the newest record among the target's ancestors")


def print_figures(name: str, sql: dict[str, Any], ref: dict[str, Any]) -> None:
    for key in QUERIES:
        line = f"  {name:<9} {key:<16} median {ms(sql[key]['median_ms']):>10}"
        line += f"  p95 {ms(sql[key]['p95_ms']):>10}"
        if key in ref:
            line += f"  networkx {ms(ref[key]['median_ms']):>10}"
        print(line, flush=True)


def run_database(name: str, facts: Facts, reference: Reference, quick: bool, page: Page) -> str:
    with throwaway(name, "lineage") as db:
        print(f"{name}: loading into {db.where}", flush=True)
        laps = Laps(migrate=migrate(db.env))
        rows = functools.partial(graphgen.table_rows, facts.graph)
        load(db, graphgen.TABLES, rows, laps, rebuild_indexes=True)
        print(
            f"  loaded in {sum(laps.values()):.1f} s (migrate {laps['migrate']:.1f}, rows "
            f"{laps['rows']:.1f}, indexes {laps['index']:.1f}, analyze {laps['analyze']:.1f})",
            flush=True,
        )
        spec = spec_for(facts, quick)
        sql = measure_in_child("lineage:measure", db.env, spec, show_progress=False)
        ref = reference.measure(spec)
    check(facts, sql, ref)
    print_figures(name, sql, ref)
    return section(facts, sql, ref, laps, page, reference.build_s)


def main() -> int:
    parser = arguments(__doc__, quick="100,000 records; print only")
    parser.add_argument("--records", type=int, help="records in the graph (default 1,000,000)")
    args = parser.parse_args()
    records = args.records or (100_000 if args.quick else 1_000_000)
    if records < 20_000:
        parser.error("--records must be at least 20,000 (the chains and the fan-in need room)")
    users = max(1000, records // 50)
    page = Page(
        "make bench-lineage",
        "bench/lineage.py",
        write=not args.quick and args.records is None,
        skeleton=SKELETON,
    )

    def bench() -> None:
        facts = graphgen.generate_with_facts(records, users)
        reference = Reference.build(facts.graph)
        print(f"  networkx graph built in {reference.build_s:.1f} s", flush=True)
        for name in engines(args.db):
            page.publish(f"lineage-{name}", run_database(name, facts, reference, args.quick, page))

    return run("make bench-lineage", bench)


if __name__ == "__main__":
    sys.exit(main())
