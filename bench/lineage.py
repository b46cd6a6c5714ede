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

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import graphgen
from graphgen import KINDS, OTHER_TAGS, ROLE_TAGS, SKILLS, Graph
from harness import (
    DOC,
    ENSEMBLE,
    ROOT,
    bench_env,
    measure_in_child,
    memory_total_gb,
    ms,
    pg_admin,
)
from loadgen import BenchError
from report import cores, cpu_model, load_average, python_version, today, write_section

PG_NAME = "ensemble_bench_lineage"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
ANCESTORS_GOAL_MS = 50
CREDITS_GOAL_MS = 100
RUNS = 20
WARMUP = 3
BASE = datetime(2024, 1, 1)
# Tables we fill, in load order (foreign keys point backwards).
TABLES = (
    "accounts_user",
    "accounts_memberskill",
    "records_record",
    "records_tag",
    "records_record_tags",
    "records_cocreator",
    "lineage_source",
)
COLUMNS = {
    "accounts_user": (
        "id",
        "password",
        "last_login",
        "is_superuser",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "date_joined",
        "username",
        "email",
        "email_verified_at",
        "display_name",
        "bio",
        "bio_html",
        "avatar",
        "links",
    ),
    "accounts_memberskill": ("id", "skill", "user_id"),
    "records_record": (
        "id",
        "kind",
        "title",
        "description",
        "description_html",
        "licence",
        "visibility",
        "version_count",
        "created_at",
        "updated_at",
        "published_at",
        "deleted_at",
        "owner_id",
        "current_version_id",
    ),
    "records_tag": ("id", "name"),
    "records_record_tags": ("id", "record_id", "tag_id"),
    "records_cocreator": ("id", "state", "invited_at", "responded_at", "user_id", "record_id"),
    "lineage_source": (
        "id",
        "kind",
        "note",
        "part",
        "start_seconds",
        "end_seconds",
        "source_licence",
        "created_at",
        "created_by_id",
        "derived_id",
        "source_id",
        "source_version_id",
    ),
}
ADJECTIVES = (
    "quiet",
    "bright",
    "broken",
    "golden",
    "hollow",
    "late",
    "northern",
    "paper",
    "red",
    "slow",
    "small",
    "summer",
    "tidal",
    "velvet",
    "wild",
    "winter",
    "electric",
    "distant",
)
NOUNS = (
    "river",
    "loop",
    "portrait",
    "song",
    "garden",
    "machine",
    "letter",
    "harbour",
    "dance",
    "signal",
    "window",
    "field",
    "echo",
    "map",
    "choir",
    "lantern",
    "orbit",
    "sketch",
    "tape",
)


# --- rows ----------------------------------------------------------------------------


class Stamps:
    """Record i was made at BASE + 30 s × i: formatted without datetime per row."""

    def __init__(self, records: int, suffix: str) -> None:
        days = records * 30 // 86400 + 2
        self.days = [(BASE + timedelta(days=d)).date().isoformat() for d in range(days)]
        self.suffix = suffix

    def of(self, record: int) -> str:
        day, second = divmod(record * 30, 86400)
        return (
            f"{self.days[day]} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            f"{self.suffix}"
        )


def title(record: int) -> str:
    adjective = ADJECTIVES[record % len(ADJECTIVES)].capitalize()
    return f"{adjective} {NOUNS[record // len(ADJECTIVES) % len(NOUNS)]} {record}"


def rows(g: Graph, table: str, stamps: Stamps, true: Any, false: Any) -> Iterator[tuple]:
    """The rows of one table, as tuples in COLUMNS order."""
    if table == "accounts_user":
        joined = stamps.of(0)
        for u in range(1, g.users + 1):
            active = false if u in g.inactive_users else true
            yield (
                u,
                "!",
                None,
                false,
                "",
                "",
                false,
                active,
                joined,
                f"member{u}",
                f"member{u}@example.test",
                None,
                f"Member {u}",
                "",
                "",
                "",
                "[]",
            )
    elif table == "accounts_memberskill":
        for n, (user, skill) in enumerate(g.skills, 1):
            yield n, SKILLS[skill], user
    elif table == "records_record":
        for r in range(1, g.records + 1):
            at = stamps.of(r)
            yield (
                r,
                KINDS[g.kind[r]],
                title(r),
                "",
                "",
                "accord",
                "public",
                0,
                at,
                at,
                at,
                None,
                g.owner[r],
                None,
            )
    elif table == "records_tag":
        yield from enumerate((*ROLE_TAGS, *OTHER_TAGS), 1)
    elif table == "records_record_tags":
        for n, (record, tag) in enumerate(g.tags, 1):
            yield n, record, tag
    elif table == "records_cocreator":
        for n, (record, user) in enumerate(g.cocreators, 1):
            at = stamps.of(record)
            yield n, "accepted", at, at, user, record
    elif table == "lineage_source":
        offsets, sources, n = g.offsets, g.sources, 0
        for r in range(1, g.records + 1):
            start, end = offsets[r], offsets[r + 1]
            if start == end:
                continue
            at, by = stamps.of(r), g.owner[r]
            for source in sources[start:end]:
                n += 1
                kind = "inspired_by" if n % 5 == 0 else "uses"
                yield n, kind, "n", "", None, None, "accord", at, by, r, source, None


# --- loading -------------------------------------------------------------------------


@dataclass
class Load:
    migrate_s: float
    rows_s: float
    index_s: float
    analyze_s: float

    @property
    def total_s(self) -> float:
        return self.migrate_s + self.rows_s + self.index_s + self.analyze_s


def migrate(env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [ENSEMBLE, "migrate", "--no-input", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"`ensemble migrate` failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def load_sqlite(g: Graph, path: Path, env: dict[str, str]) -> Load:
    migrate_s = migrate(env)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "foreign_keys=OFF",
            "cache_size=-1000000",
            "temp_store=MEMORY",
        ):
            db.execute(f"PRAGMA {pragma}")
        # Secondary indexes are rebuilt after the load (sorted builds, not random inserts);
        # the ones backing UNIQUE constraints (sql IS NULL) cannot be dropped and stay.
        marks = ",".join("?" * len(TABLES))
        indexes = db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "  # noqa: S608
            "AND type = 'index' AND sql IS NOT NULL",
            TABLES,
        ).fetchall()
        start = time.perf_counter()
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        stamps = Stamps(g.records, "")
        db.execute("BEGIN")
        for table in TABLES:
            cols = COLUMNS[table]
            insert = f"INSERT INTO {table} ({','.join(cols)}) VALUES "  # noqa: S608 (constants)
            db.executemany(insert + f"({','.join('?' * len(cols))})", rows(g, table, stamps, 1, 0))
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            seq = db.execute(last).fetchone()[0]
            db.execute("INSERT OR REPLACE INTO sqlite_sequence VALUES (?, ?)", (table, seq))
        db.execute("COMMIT")
        rows_s = time.perf_counter() - start
        start = time.perf_counter()
        for _, sql in indexes:
            db.execute(sql)
        index_s = time.perf_counter() - start
        start = time.perf_counter()
        db.execute("ANALYZE")
        analyze_s = time.perf_counter() - start
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
    return Load(migrate_s, rows_s, index_s, analyze_s)


def copy_text(values: Iterable[tuple]) -> Iterator[bytes]:
    """COPY's text format in ~1 MB pieces (our values hold no tabs or backslashes)."""
    lines: list[str] = []
    for row in values:
        lines.append("\t".join("\\N" if v is None else str(v) for v in row))
        if len(lines) == 20_000:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode()


def load_postgres(g: Graph, env: dict[str, str]) -> Load:
    import psycopg

    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", f"CREATE DATABASE {PG_NAME}")
    migrate_s = migrate(env)
    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://")) as db:
        # Skip the foreign-key triggers during the load (the rows are consistent by
        # construction); rebuild secondary indexes afterwards, as pg_restore does.
        db.execute("SET session_replication_role = replica")
        db.execute("SET synchronous_commit = off")
        db.execute("SET maintenance_work_mem = '1GB'")
        indexes = db.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [list(TABLES)],
        ).fetchall()
        start = time.perf_counter()
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        stamps = Stamps(g.records, "+00")
        for table in TABLES:
            with db.cursor().copy(f"COPY {table} ({','.join(COLUMNS[table])}) FROM STDIN") as cp:
                for piece in copy_text(rows(g, table, stamps, "t", "f")):
                    cp.write(piece)
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            db.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({last}))", [table])
        db.commit()
        rows_s = time.perf_counter() - start
        start = time.perf_counter()
        for _, sql in indexes:
            db.execute(sql)
        db.commit()
        index_s = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    analyze_s = time.perf_counter() - start
    return Load(migrate_s, rows_s, index_s, analyze_s)


# --- timing --------------------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[max(0, -(-95 * runs // 100) - 1)],  # nearest rank
        "runs": runs,
    }


def measure_in_django(spec: dict[str, Any]) -> dict[str, Any]:
    """Runs in the child process: Django set up against the loaded database."""
    import django

    django.setup()
    from django.db import connection

    from ensemble.lineage import credits, graph

    target, p90, popular = spec["target"], spec["p90"], spec["popular"]
    runs = spec["runs"]
    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            out["database"] = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            cursor.execute("SHOW jit")
            out["jit"] = cursor.fetchone()[0]
        else:
            out["database"] = f"SQLite {sqlite3.sqlite_version}"
    found = graph.reachable(target, "ancestors")
    out["target_check"] = [len(found), sum(found)]
    roll = credits.credit_roll(target)
    out["target_roll"] = [roll.record_count, roll.people_count]
    p90_roll = credits.credit_roll(p90)
    out["p90_roll"] = [p90_roll.record_count, p90_roll.people_count]
    rows = [
        ("ancestors", lambda: graph.reachable(target, "ancestors"), runs, WARMUP),
        ("credit_roll", lambda: credits.credit_roll(target), runs, WARMUP),
        ("ancestry_rows", lambda: credits._fetch(target), runs, WARMUP),
        # What pages and the API call: the roll from the cache, once computed (WARMUP
        # fills it; nothing changes the lineage during the run).
        ("cached_credit_roll", lambda: credits.cached_credit_roll(target), runs, WARMUP),
        ("p90_ancestors", lambda: graph.reachable(p90, "ancestors"), runs, WARMUP),
        ("p90_credit_roll", lambda: credits.credit_roll(p90), runs, WARMUP),
        ("cycle_check", lambda: graph.is_ancestor(spec["outsider"], target), runs, WARMUP),
        ("descendants", lambda: graph.count(popular, "descendants"), spec["slow_runs"], 1),
    ]
    # Interleaved rounds: a burst of other work on a shared machine hits every row a bit
    # instead of one row a lot.
    times: dict[str, list[float]] = {name: [] for name, *_ in rows}
    for _name, fn, _, warmup in rows:
        for _ in range(warmup):
            fn()
    for round_ in range(runs):
        for name, fn, count, _ in rows:
            if round_ < count:
                start = time.perf_counter()
                fn()
                times[name].append((time.perf_counter() - start) * 1000)
    for name, values in times.items():
        values.sort()
        out[name] = {
            "median_ms": statistics.median(values),
            "p95_ms": values[max(0, -(-95 * len(values) // 100) - 1)],
            "runs": len(values),
        }
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


def command_line() -> str:
    return " ".join([".venv/bin/python", "bench/lineage.py", *sys.argv[1:]])


def goal(value: float, limit: float) -> str:
    return f"≤ {limit} ms: met" if value <= limit else f"≤ {limit} ms: **not met**"


@dataclass
class Facts:
    graph: Graph
    generate_s: float
    target_ancestors: int
    target_depth: int
    p90: int
    p90_ancestors: int
    sample: dict[str, int]
    popular_descendants: int
    outsider: int

    def spec(self, quick: bool) -> dict[str, Any]:
        return {
            "target": self.graph.target,
            "p90": self.p90,
            "popular": self.graph.popular,
            "outsider": self.outsider,
            "runs": RUNS,
            "slow_runs": 3 if quick else 5,
        }


def section(
    facts: Facts,
    sql: dict[str, Any],
    nx_ref: dict[str, Any],
    load: Load,
    load_before: float,
    nx_build_s: float,
) -> str:
    g = facts.graph
    machine = (
        f"Measured {today()}, {cores()} cores ({cpu_model()}), {memory_total_gb():.0f} GB RAM, "
        f"Python {python_version()}, {sql['database']}"
        + (f" (jit {sql['jit']})" if "jit" in sql else "")
        + f", Django {version('django')}, networkx {version('networkx')}; load average "
        f"{load_before:.1f} when the run started (the machine is shared: other work may have "
        "run at the same time)."
    )
    shape = (
        f"The graph (bench/graphgen.py, seed {graphgen.SEED}): {g.records:,} records, "
        f"{g.edges:,} edges, {g.users:,} members, {len(g.cocreators):,} co-creators, "
        f"{len(g.tags):,} tags. Ancestors in a sample of 2,000 records: p50 "
        f"{facts.sample['p50']}, p90 {facts.sample['p90']}, p99 {facts.sample['p99']}, max "
        f"{facts.sample['max']}. The **target** #{g.target} has {FAN_IN_TEXT} sources and "
        f"{facts.target_ancestors:,} ancestors, depth {facts.target_depth}; the **p90 "
        f"record** #{facts.p90} has {facts.p90_ancestors}; the **popular** record "
        f"#{g.popular} has {facts.popular_descendants:,} descendants. Generated in "
        f"{facts.generate_s:.0f} s; loaded in {load.total_s:.0f} s (migrate "
        f"{load.migrate_s:.0f} s, rows {load.rows_s:.0f} s, secondary indexes "
        f"{load.index_s:.0f} s, {'VACUUM ' if 'jit' in sql else ''}ANALYZE "
        f"{load.analyze_s:.0f} s); the networkx graph built in {nx_build_s:.0f} s."
    )

    def row(label: str, key: str, ref_key: str | None, limit: float | None) -> str:
        ours = sql[key]
        if ref_key:
            ref = nx_ref[ref_key]["median_ms"]
            ref_cells = f"{ms(ref)} | {ours['median_ms'] / ref:.1f}×"
        else:
            ref_cells = "— | —"
        verdict = goal(ours["median_ms"], limit) if limit else "—"
        return (
            f"| {label} | {ms(ours['median_ms'])} | {ms(ours['p95_ms'])} | {ours['runs']} "
            f"| {ref_cells} | {verdict} |"
        )

    target_roll, p90_roll = sql["target_roll"], sql["p90_roll"]
    lines = [
        "| query (the application's function) | median | p95 | runs | networkx | "
        "SQL ÷ networkx | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
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
    return (
        "_Written by `make bench-lineage` (bench/lineage.py); edit the script, not this "
        f"section._ Command: `{command_line()}`.\n\n"
        f"{machine}\n\n{shape}\n\n"
        f"Each row: {WARMUP} warm-up calls (1 for descendants), then the timed runs, all rows "
        "interleaved round by round, in one process with Django set up against the loaded "
        "database (DEBUG off). networkx: `nx.descendants` (edges derived → source) on the "
        "same graph in memory, timed in the same run right after.\n\n" + "\n".join(lines) + "\n"
    )


FAN_IN_TEXT = f"{graphgen.FAN_IN:,}"
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


def ensure_skeleton() -> None:
    """Add the lineage part of the page once, after everything already there."""
    text = DOC.read_text()
    if "<!-- bench:lineage-sqlite:start -->" not in text:
        DOC.write_text(text.rstrip() + SKELETON)


# --- main ----------------------------------------------------------------------------


def prepare_graph(records: int, users: int) -> Facts:
    print(f"Generating {records:,} records", flush=True)
    start = time.perf_counter()
    g = graphgen.generate(records, users)
    generate_s = time.perf_counter() - start
    target_ancestors = len(g.ancestors(g.target))
    p90, p90_ancestors, sample = graphgen.percentile_record(g, 0.9)
    facts = Facts(
        graph=g,
        generate_s=generate_s,
        target_ancestors=target_ancestors,
        target_depth=g.depth(g.target),
        p90=p90,
        p90_ancestors=p90_ancestors,
        sample=sample,
        popular_descendants=g.descendant_count(g.popular),
        outsider=g.records,  # the newest record: nothing cites it
    )
    print(
        f"  {g.edges:,} edges in {generate_s:.1f} s; target #{g.target}: "
        f"{target_ancestors:,} ancestors, depth {facts.target_depth}; p90 #{p90}: "
        f"{p90_ancestors}; sample {sample}; popular #{g.popular}: "
        f"{facts.popular_descendants:,} descendants",
        flush=True,
    )
    return facts


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
    for key in (
        "ancestors",
        "credit_roll",
        "ancestry_rows",
        "cached_credit_roll",
        "p90_ancestors",
        "p90_credit_roll",
        "cycle_check",
        "descendants",
    ):
        line = f"  {name:<9} {key:<16} median {ms(sql[key]['median_ms']):>10}"
        line += f"  p95 {ms(sql[key]['p95_ms']):>10}"
        if key in ref:
            line += f"  networkx {ms(ref[key]['median_ms']):>10}"
        print(line, flush=True)


def run_database(
    name: str, facts: Facts, reference: Reference, quick: bool, load_before: float
) -> str:
    g = facts.graph
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-lineage-") as tmp:
        folder = Path(tmp)
        if name == "sqlite":
            path = folder / "lineage.sqlite3"
            env = bench_env(folder, f"sqlite:///{path}")
            print(f"sqlite: loading into {path}", flush=True)
            load = load_sqlite(g, path, env)
        else:
            env = bench_env(folder, PG_URL)
            print(f"postgres: loading into {PG_NAME}", flush=True)
            load = load_postgres(g, env)
        print(
            f"  loaded in {load.total_s:.1f} s (migrate {load.migrate_s:.1f}, rows "
            f"{load.rows_s:.1f}, indexes {load.index_s:.1f}, analyze {load.analyze_s:.1f})",
            flush=True,
        )
        try:
            spec = facts.spec(quick)
            sql = measure_in_child(__file__, env, spec, show_progress=False)
            ref = reference.measure(spec)
        finally:
            if name == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    check(facts, sql, ref)
    print_figures(name, sql, ref)
    return section(facts, sql, ref, load, load_before, reference.build_s)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--records", type=int, help="records in the graph (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 records; print only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_in_django(json.loads(args.child))))
        return 0
    records = args.records or (100_000 if args.quick else 1_000_000)
    if records < 20_000:
        parser.error("--records must be at least 20,000 (the chains and the fan-in need room)")
    users = max(1000, records // 50)
    write = not args.quick and args.records is None
    load_before = load_average()
    try:
        facts = prepare_graph(records, users)
        reference = Reference.build(facts.graph)
        print(f"  networkx graph built in {reference.build_s:.1f} s", flush=True)
        names = ("sqlite", "postgres") if args.db == "both" else (args.db,)
        for name in names:
            body = run_database(name, facts, reference, args.quick, load_before)
            if write:
                ensure_skeleton()
                write_section(DOC, f"lineage-{name}", body)
                print(f"Wrote the bench:lineage-{name} section of {DOC.relative_to(ROOT)}")
            else:
                print(body)
            load_before = load_average()
    except BenchError as error:
        print(f"bench-lineage: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
