"""`make bench-payments`: a payment proposal for lineages of 1,000, 10,000 and 100,000 records.

Steps:
1. Generate three seeded production lineages (1,000 records and 200 people, 10,000 and
   2,000, 100,000 and 20,000). The production record cites the project's 100 selected
   entries; every other record cites 1–3 older records (85 % `uses`, 15 % `inspired_by`),
   most in the level just below it, a quarter further down: a DAG in levels whose widths
   grow by half from the 100 entries to a cap of records ÷ 25, so the depth is 24–33.
   Everyone owns at least one record and a few own many (weights 1/√rank); 8 % of the
   records invited one or two co-creators (85 % accepted, 10 % still invited, 5 %
   declined: only the accepted share). All records are public.
2. For each database: a throwaway database (an SQLite file in a temporary folder under
   /tmp, or the PostgreSQL database `ensemble_bench_payments`, created and dropped),
   migrated by `ensemble migrate` as an operator would; members, records, co-creators and
   the graph bulk-loaded (PostgreSQL COPY; SQLite executemany in one transaction), then
   ANALYZE (PostgreSQL: VACUUM ANALYZE).
3. In a fresh process with Django set up against it (DEBUG off), through the services:
   a project per lineage (its owner is the leader), an open call, the 100 entries
   submitted by their owners and selected, `make_production` (the production's 100
   citations were loaded with the graph, as `make_production` writes them, so it only
   records the production), `release` (the credit roll frozen), then a profit-share pool
   (`create_pool`) fed by one revenue and one cost (`record_entry`).
4. Time, for each lineage, rounds interleaving the sizes (one warm-up round first):
   `snapshot.take(root)` (the one SQL statement and its rows), `proposals.inputs_for`
   (the split's inputs, with `defaults(pool)`), `split.split` (compute + rounding; the
   rounding, `largest_remainder`, also timed alone on its result), and the whole
   `make_proposal(pool, by=leader)`: snapshot, split, one Proposal (with the snapshot as
   JSON), one Revision and the Lines bulk-created. Its phases are timed in the same
   calls by wrapping the functions it calls and the SQL it runs. After each call the
   lines are read back: they must sum exactly to the pool's amount, one per person with
   a share, and match `split.split` alone; then the proposal is deleted (not timed) so
   the next call finds the pool free and the tables the same size.
5. Rewrite the `bench:payments-sqlite` / `bench:payments-postgres` sections of
   docs/benchmarks.md (not with `--quick`, fewer rounds, which only prints).

Goal (issue text): a proposal for 100,000 records in ≤ 1 s, growing linearly.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness import DOC, ROOT, bench_env, measure_in_child, memory_total_gb, ms, pg_admin
from lineage import COLUMNS as LINEAGE_COLUMNS
from lineage import Stamps, copy_text, migrate, title
from loadgen import BenchError
from report import cores, cpu_model, load_average, python_version, today, write_section

PG_NAME = "ensemble_bench_payments"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
SEED = 20261128
SIZES = ((1_000, 200), (10_000, 2_000), (100_000, 20_000))  # (records, people)
SELECTED = 100  # the production cites the call's selected entries
GROWTH = 1.5  # each level of the DAG at most this much wider than the one above
CAP_DIVISOR = 25  # levels at most records ÷ 25 wide
DEGREES, DEGREE_WEIGHTS = (1, 2, 3), (30, 45, 25)
SKIP = 0.25  # share of extra citations reaching 2–8 levels further down
SKIP_LEVELS = 8
INSPIRED = 0.15  # share of citations that are `inspired_by` (weight 0 by default)
COCREATED = 0.08  # share of records that invited co-creators
COCREATOR_STATES, COCREATOR_WEIGHTS = ("accepted", "invited", "declined"), (85, 10, 5)
KINDS = ("text", "image", "audio", "video", "other")
KIND_WEIGHTS = (20, 35, 30, 10, 5)
CURRENCY = "EUR"
REVENUE, COST, SHARE_BP = 123_456_789, 2_345_678, 5_000  # cents; the contributors' half
POOL_AMOUNT = (REVENUE - COST) * SHARE_BP // 10_000  # what `pools.balance` must say
GOAL_MS = 1_000
RUNS = 5
WARMUP = 1
TABLES = ("accounts_user", "records_record", "records_cocreator", "lineage_source")
COLUMNS = {table: LINEAGE_COLUMNS[table] for table in TABLES}


# --- the lineages --------------------------------------------------------------------


@dataclass
class Lineage:
    """One production's lineage. Local index 0 is the production, then the records level
    by level going down (older); ids run the other way, so a source is always older."""

    records: int
    people: int
    first_record: int  # ids first_record + 1 … first_record + records
    first_user: int  # members first_user + 1 … first_user + people; the first leads
    levels: list[int]  # widths, level 0 being the production
    owner: list[int]  # local → user id
    kind: list[int]  # local → index in KINDS
    sources: list[list[tuple[int, str]]]  # local → [(local source, kind)]
    cocreators: list[tuple[int, int, str]]  # (local record, user id, state)

    def id(self, local: int) -> int:
        return self.first_record + self.records - local

    @property
    def root(self) -> int:
        return self.id(0)

    @property
    def leader(self) -> int:
        return self.first_user + 1

    @property
    def selected(self) -> list[int]:
        return [self.id(local) for local in range(1, 1 + self.levels[1])]

    @property
    def depth(self) -> int:
        return len(self.levels) - 1  # every record is cited from the level above it

    @property
    def edges(self) -> int:
        return sum(len(s) for s in self.sources)

    @property
    def uses(self) -> int:
        return sum(1 for s in self.sources for _, kind in s if kind == "uses")

    @property
    def accepted(self) -> int:
        return sum(1 for _, _, state in self.cocreators if state == "accepted")

    @property
    def label(self) -> str:
        return f"{self.records:,} records, {self.people:,} people"

    @property
    def short(self) -> str:
        return f"{self.records // 1000}k"

    @classmethod
    def generate(cls, records: int, people: int, first_record: int, first_user: int) -> Lineage:
        rng = random.Random(f"{SEED}-{records}")
        cap = max(records // CAP_DIVISOR, 20)
        levels = [1, SELECTED]
        while sum(levels) < records:
            levels.append(min(int(levels[-1] * GROWTH), cap, records - sum(levels)))
        members: list[list[int]] = []
        start = 0
        for width in levels:
            members.append(list(range(start, start + width)))
            start += width
        sources: list[list[tuple[int, str]]] = [[] for _ in range(records)]
        sources[0] = [(local, "uses") for local in members[1]]  # make_production's citations
        last = len(levels) - 1
        for k in range(1, last):
            here, below = members[k][:], members[k + 1][:]
            rng.shuffle(here)
            rng.shuffle(below)
            # Every record of the level below is cited at least once from this one
            # (at most ⌈GROWTH⌉ = 2 such citations each), so all are in the lineage.
            chosen: dict[int, set[int]] = {r: set() for r in here}
            for j, s in enumerate(below):
                chosen[here[j % len(here)]].add(s)
            for r in here:
                picked = chosen[r]
                degree = max(len(picked), rng.choices(DEGREES, DEGREE_WEIGHTS)[0])
                while len(picked) < degree:
                    if k + 2 > last or rng.random() >= SKIP:
                        picked.add(rng.choice(members[k + 1]))
                    else:
                        picked.add(
                            rng.choice(members[rng.randint(k + 2, min(k + SKIP_LEVELS, last))])
                        )
                sources[r] = [
                    (s, "inspired_by" if rng.random() < INSPIRED else "uses")
                    for s in sorted(picked)
                ]
        users = list(range(first_user + 1, first_user + people + 1))
        weights = [1 / (rank + 1) ** 0.5 for rank in range(people)]
        ranked = users[:]
        rng.shuffle(ranked)
        owners = users + rng.choices(ranked, weights, k=records - 1 - people)
        rng.shuffle(owners)
        owner = [first_user + 1, *owners]  # the leader owns the production (and more)
        kind = [3, *rng.choices(range(len(KINDS)), KIND_WEIGHTS, k=records - 1)]  # 3: video
        cocreators = []
        for local in range(1, records):
            if rng.random() >= COCREATED:
                continue
            invited = {rng.choice(users) for _ in range(rng.choice((1, 1, 2)))} - {owner[local]}
            for user in sorted(invited):
                cocreators.append(
                    (local, user, rng.choices(COCREATOR_STATES, COCREATOR_WEIGHTS)[0])
                )
        return cls(
            records, people, first_record, first_user, levels, owner, kind, sources, cocreators
        )

    def spec(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "people": self.people,
            "root": self.root,
            "leader": self.leader,
            "selected": self.selected,
            "edges": self.edges,
            "accepted": self.accepted,
            "call_title": call_title(self),
        }


def call_title(lineage: Lineage) -> str:
    return f"Everything for the film ({lineage.records:,} records)"


def generate() -> list[Lineage]:
    lineages, first_record, first_user = [], 0, 0
    for records, people in SIZES:
        lineages.append(Lineage.generate(records, people, first_record, first_user))
        first_record += records
        first_user += people
    return lineages


def rows(
    lineages: list[Lineage], table: str, stamps: Stamps, true: Any, false: Any
) -> Iterator[tuple]:
    """The rows of one table for all the lineages, as tuples in COLUMNS order."""
    if table == "accounts_user":
        joined = stamps.of(0)
        for lineage in lineages:
            for u in range(lineage.first_user + 1, lineage.first_user + lineage.people + 1):
                yield (
                    u,
                    "!",
                    None,
                    false,
                    "",
                    "",
                    false,
                    true,
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
    elif table == "records_record":
        for lineage in lineages:
            for local in range(lineage.records):
                r = lineage.id(local)
                at = stamps.of(r)
                name = f"The film ({lineage.records:,} records)" if local == 0 else title(r)
                yield (
                    r,
                    KINDS[lineage.kind[local]],
                    name,
                    "",
                    "",
                    "accord",
                    "public",
                    0,
                    at,
                    at,
                    at,
                    None,
                    lineage.owner[local],
                    None,
                )
    elif table == "records_cocreator":
        n = 0
        for lineage in lineages:
            for local, user, state in lineage.cocreators:
                n += 1
                r = lineage.id(local)
                at = stamps.of(r)
                yield n, state, at, None if state == "invited" else at, user, r
    elif table == "lineage_source":
        n = 0
        for lineage in lineages:
            selected = f"Selected in the call “{call_title(lineage)}”"
            for local, cited in enumerate(lineage.sources):
                r, by = lineage.id(local), lineage.owner[local]
                at = stamps.of(r)
                note = selected if local == 0 else "n"
                for source, kind in cited:
                    n += 1
                    yield (
                        n,
                        kind,
                        note,
                        "",
                        None,
                        None,
                        "accord",
                        at,
                        by,
                        r,
                        lineage.id(source),
                        None,
                    )


# --- loading -------------------------------------------------------------------------


@dataclass
class Load:
    migrate_s: float
    rows_s: float
    analyze_s: float
    setup_s: float = 0.0  # projects, entries, production, release, pools (child process)
    release_s: float = 0.0  # of which `release` (the credit rolls)

    @property
    def total_s(self) -> float:
        return self.migrate_s + self.rows_s + self.analyze_s + self.setup_s


def load_sqlite(lineages: list[Lineage], path: Path, env: dict[str, str]) -> Load:
    migrate_s = migrate(env)
    total = sum(lineage.records for lineage in lineages)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        start = time.perf_counter()
        db.execute("BEGIN")
        for table in TABLES:
            cols = COLUMNS[table]
            insert = f"INSERT INTO {table} ({','.join(cols)}) VALUES "  # noqa: S608 (constants)
            values = rows(lineages, table, Stamps(total, ""), 1, 0)
            db.executemany(insert + f"({','.join('?' * len(cols))})", values)
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            seq = db.execute(last).fetchone()[0]
            db.execute("INSERT OR REPLACE INTO sqlite_sequence VALUES (?, ?)", (table, seq))
        db.execute("COMMIT")
        rows_s = time.perf_counter() - start
        start = time.perf_counter()
        db.execute("ANALYZE")
        analyze_s = time.perf_counter() - start
    finally:
        db.close()
    return Load(migrate_s, rows_s, analyze_s)


def load_postgres(lineages: list[Lineage], env: dict[str, str]) -> Load:
    import psycopg

    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", f"CREATE DATABASE {PG_NAME}")
    migrate_s = migrate(env)
    total = sum(lineage.records for lineage in lineages)
    url = PG_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as db:
        start = time.perf_counter()
        for table in TABLES:
            with db.cursor().copy(f"COPY {table} ({','.join(COLUMNS[table])}) FROM STDIN") as cp:
                for piece in copy_text(rows(lineages, table, Stamps(total, "+00"), "t", "f")):
                    cp.write(piece)
            last = f"SELECT MAX(id) FROM {table}"  # noqa: S608 (table names are constants)
            db.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({last}))", [table])
        db.commit()
        rows_s = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    return Load(migrate_s, rows_s, time.perf_counter() - start)


# --- measuring (in the child process) ------------------------------------------------


def setup_in_django(spec: dict[str, Any]) -> tuple[Any, Any, float]:
    """Project, call, selected entries, production, release and pool, through the
    services, as a leader would make them. Returns (leader, pool, seconds in release)."""
    import datetime as dt
    from datetime import timedelta

    from django.utils import timezone

    from ensemble.accounts.models import User
    from ensemble.payments.services import pools
    from ensemble.projects import productions
    from ensemble.projects import services as projects
    from ensemble.projects.models import Entry
    from ensemble.records.models import Record

    leader = User.objects.get(pk=spec["leader"])
    project = projects.create_project(
        leader, title=f"The film ({spec['records']:,} records)", stages=["Everything"]
    )
    projects.set_status(project, by=leader, status="open")
    selected = list(Record.objects.filter(pk__in=spec["selected"]).select_related("owner"))
    per_person: dict[int, int] = {}
    for record in selected:
        per_person[record.owner_id] = per_person.get(record.owner_id, 0) + 1
    call = projects.create_call(
        project,
        by=leader,
        title=spec["call_title"],
        brief="Anything the film can use.",
        deadline=timezone.now() + timedelta(days=14),
        max_entries_per_person=max(3, *per_person.values()),
    )
    entries = [projects.submit_entry(call, by=r.owner, record=r) for r in selected]
    projects.decide(entries, by=leader, state=Entry.State.SELECTED)
    production, problems = productions.make_production(
        project, by=leader, record=Record.objects.get(pk=spec["root"])
    )
    if problems:
        raise BenchError(f"make_production refused citations: {problems[:3]}")
    start = time.perf_counter()
    productions.release(production, by=leader)
    release_s = time.perf_counter() - start
    pool = pools.create_pool(
        production, by=leader, kind="profit_share", currency=CURRENCY, share_bp=SHARE_BP
    )
    on = dt.date(2026, 11, 1)
    pools.record_entry(
        pool,
        by=leader,
        kind="revenue",
        amount=REVENUE,
        currency=CURRENCY,
        on=on,
        description="Streaming and screenings",
    )
    pools.record_entry(
        pool,
        by=leader,
        kind="cost",
        amount=COST,
        currency=CURRENCY,
        on=on,
        description="Festival fees",
    )
    if pools.balance(pool).available != POOL_AMOUNT:
        raise BenchError(f"The pool holds {pools.balance(pool).available}, not {POOL_AMOUNT}")
    return leader, pool, release_s


class Phases:
    """Times the steps `make_proposal` takes, in the call itself: the functions it calls
    (wrapped for the duration), the SQL it runs (an execute wrapper), the COMMIT, and
    the garbage collector's passes (`gc.callbacks`), whichever step they fall in."""

    WRAPPED = (
        ("take", "ensemble.payments.services.snapshot", "take"),
        ("inputs", "ensemble.payments.services.proposals", "inputs_for"),
        ("split", "ensemble.payments.split", "split"),
        ("lines_build", "ensemble.payments.services.proposals", "_lines"),
    )

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.statements: dict[str, int] = {}
        self.inside: str | None = None  # the wrapped function running, if any

    def _add(self, name: str, seconds: float) -> None:
        self.times[name] = self.times.get(name, 0.0) + seconds

    @contextmanager
    def active(self) -> Iterator[None]:
        import gc
        import importlib

        from django.db import connection, connections

        self.times, self.statements = {}, {}
        saved = []
        for name, module_name, attribute in self.WRAPPED:
            module = importlib.import_module(module_name)
            original = getattr(module, attribute)
            saved.append((module, attribute, original))

            def wrapper(*args: Any, _f: Callable = original, _n: str = name, **kw: Any) -> Any:
                outer, self.inside = self.inside, _n
                start = time.perf_counter()
                try:
                    return _f(*args, **kw)
                finally:
                    self._add(_n, time.perf_counter() - start)
                    self.inside = outer

            setattr(module, attribute, wrapper)

        def sql(execute: Callable, statement: str, params: Any, many: bool, context: Any) -> Any:
            head = statement.lstrip()[:40].upper().replace('"', "")
            if self.inside is not None:
                kind = f"sql_in_{self.inside}"  # part of that step's time already
            elif head.startswith("INSERT INTO PAYMENTS_PROPOSAL"):
                kind = "sql_proposal"
            elif head.startswith("INSERT INTO PAYMENTS_LINE"):
                kind = "sql_lines"
            else:
                kind = "sql_other"
            self.statements[kind] = self.statements.get(kind, 0) + 1
            start = time.perf_counter()
            try:
                return execute(statement, params, many, context)
            finally:
                self._add(kind, time.perf_counter() - start)

        wrapper_db = connections["default"]
        commit = wrapper_db.commit

        def timed_commit() -> None:
            start = time.perf_counter()
            try:
                commit()
            finally:
                self._add("commit", time.perf_counter() - start)

        collecting = [0.0]

        def collector(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                collecting[0] = time.perf_counter()
            else:
                self._add("gc", time.perf_counter() - collecting[0])
                key = f"gc_gen{info['generation']}"
                self.statements[key] = self.statements.get(key, 0) + 1

        wrapper_db.commit = timed_commit  # type: ignore[method-assign]
        gc.callbacks.append(collector)
        try:
            with connection.execute_wrapper(sql):
                yield
        finally:
            gc.callbacks.remove(collector)
            del wrapper_db.commit  # the class's method again
            for module, attribute, original in saved:
                setattr(module, attribute, original)


def measure_in_django(spec: dict[str, Any]) -> dict[str, Any]:
    """Runs in the child process: Django set up against the loaded database."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Sum

    from ensemble.payments import split
    from ensemble.payments.models import Line, Proposal, Revision
    from ensemble.payments.services import proposals, snapshot

    out: dict[str, Any] = {"sizes": {}}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            out["database"] = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            cursor.execute("SHOW jit")
            out["jit"] = cursor.fetchone()[0]
        else:
            out["database"] = f"SQLite {sqlite3.sqlite_version}"

    start = time.perf_counter()
    made = []
    release_s = 0.0
    for lineage in spec["lineages"]:
        leader, pool, seconds = setup_in_django(lineage)
        release_s += seconds
        made.append((lineage, leader, pool))
    out["setup_s"], out["release_s"] = time.perf_counter() - start, release_s

    # What each lineage must give, from `split.split` alone on a fresh snapshot.
    expected: dict[int, dict[int, int]] = {}
    for lineage, _, pool in made:
        snap = snapshot.take(lineage["root"])
        if len(snap["records"]) != lineage["records"] or len(snap["edges"]) != lineage["edges"]:
            raise BenchError(
                f"The snapshot of #{lineage['root']} has {len(snap['records'])} records and "
                f"{len(snap['edges'])} edges, expected {lineage['records']} and {lineage['edges']}"
            )
        accepted = sum(len(people) for people in snap["cocreators"].values())
        if accepted != lineage["accepted"]:
            raise BenchError(f"The snapshot has {accepted} co-creators, not {lineage['accepted']}")
        result = split.split(proposals.inputs_for(snap, proposals.defaults(pool)), POOL_AMOUNT)
        expected[lineage["records"]] = result.cents
        out["sizes"][str(lineage["records"])] = {
            "snapshot_json_bytes": len(json.dumps(snap)),
            "paid": sum(1 for c in result.cents.values() if c > 0),
            "max_denominator_digits": max(len(str(v.denominator)) for v in result.exact.values()),
        }

    phases = Phases()
    keys = (
        "take",
        "inputs",
        "split",
        "rounding",
        "proposal",
        "store",
        "lines_build",
        "sql_proposal",
        "sql_lines",
        "sql_other",
        "commit",
        "gc",
        "rest",
        "in_take",
        "in_inputs",
        "in_split",
    )
    times: dict[int, dict[str, list[float]]] = {
        lineage["records"]: {key: [] for key in keys} for lineage, _, _ in made
    }
    checks: dict[int, dict[str, Any]] = {}
    full_passes: dict[int, list[int]] = {lineage["records"]: [] for lineage, _, _ in made}

    def one_round(record: bool) -> None:
        for lineage, leader, pool in made:
            size = lineage["records"]
            t = times[size]
            adjustments = proposals.defaults(pool)
            start = time.perf_counter()
            snap = snapshot.take(lineage["root"])
            take_s = time.perf_counter() - start
            start = time.perf_counter()
            inputs = proposals.inputs_for(snap, adjustments)
            inputs_s = time.perf_counter() - start
            start = time.perf_counter()
            result = split.split(inputs, POOL_AMOUNT)
            split_s = time.perf_counter() - start
            start = time.perf_counter()
            split.largest_remainder(POOL_AMOUNT, result.exact)
            rounding_s = time.perf_counter() - start
            del snap, inputs, result
            with phases.active():
                start = time.perf_counter()
                proposal = proposals.make_proposal(pool, by=leader)
                proposal_s = time.perf_counter() - start
            p = dict(phases.times)
            # Read back what was stored: every cent accounted for, the same as alone.
            lines = Line.objects.filter(revision__proposal=proposal)
            summed = lines.aggregate(total=Sum("amount"), n=Count("id"))
            cents = dict(lines.filter(amount__gt=0).values_list("user_id", "amount"))
            paid = {person: c for person, c in expected[size].items() if c > 0}
            check = {
                "amount": proposal.amount,
                "sum": summed["total"],
                "lines": summed["n"],
                "matches_split": cents == paid,
                "statements": dict(phases.statements),
            }
            if check["sum"] != proposal.amount or proposal.amount != POOL_AMOUNT:
                raise BenchError(
                    f"{size:,} records: the lines sum to {check['sum']}, the proposal is "
                    f"{proposal.amount}, the pool {POOL_AMOUNT}"
                )
            if not check["matches_split"]:
                raise BenchError(f"{size:,} records: the stored lines differ from split.split")
            # People whose share is under a cent are counted on the revision, not stored.
            unlisted = Revision.objects.get(proposal=proposal).unlisted
            if check["lines"] + unlisted != len(expected[size]):
                raise BenchError(
                    f"{size:,} records: {check['lines']} lines and {unlisted} "
                    f"unlisted, expected {len(expected[size])}"
                )
            Proposal.objects.filter(pk=proposal.pk).delete()  # the pool is free again
            if not record:
                continue
            checks[size] = check
            measured = {
                "take": take_s,
                "inputs": inputs_s,
                "split": split_s,
                "rounding": rounding_s,
                "proposal": proposal_s,
                "in_take": p.get("take", 0.0),
                "in_inputs": p.get("inputs", 0.0),
                "in_split": p.get("split", 0.0),
                "lines_build": p.get("lines_build", 0.0),
                "sql_proposal": p.get("sql_proposal", 0.0),
                "sql_lines": p.get("sql_lines", 0.0),
                "sql_other": p.get("sql_other", 0.0),
                "commit": p.get("commit", 0.0),
                "gc": p.get("gc", 0.0),
                "store": proposal_s
                - p.get("take", 0.0)
                - p.get("inputs", 0.0)
                - p.get("split", 0.0),
            }
            measured["rest"] = measured["store"] - sum(
                p.get(k, 0.0)
                for k in ("lines_build", "sql_proposal", "sql_lines", "sql_other", "commit")
            )
            for key, seconds in measured.items():
                t[key].append(seconds * 1000)
            full_passes[size].append(phases.statements.get("gc_gen2", 0))
            print(
                f"    {size:>7,} records: take {take_s * 1000:7.0f} ms  inputs "
                f"{inputs_s * 1000:6.0f} ms  split {split_s * 1000:6.0f} ms  make_proposal "
                f"{proposal_s * 1000:7.0f} ms",
                file=sys.stderr,
                flush=True,
            )

    for _ in range(WARMUP):
        one_round(record=False)
    for round_ in range(spec["runs"]):
        print(f"  round {round_ + 1} of {spec['runs']}", file=sys.stderr, flush=True)
        one_round(record=True)
    for size, t in times.items():
        figures = out["sizes"][str(size)]
        figures["check"] = checks[size]
        figures["gc_full_passes"] = statistics.median(full_passes[size])
        for key, values in t.items():
            figures[key] = {"median_ms": statistics.median(values), "runs": values}

    if spec["profile"]:  # one make_proposal of the largest lineage under cProfile
        lineage, leader, pool = made[-1]
        profile = cProfile.Profile()
        profile.enable()
        proposal = proposals.make_proposal(pool, by=leader)
        profile.disable()
        Proposal.objects.filter(pk=proposal.pk).delete()
        stats = pstats.Stats(profile)
        raw = stats.stats  # type: ignore[attr-defined]
        top = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:20]
        out["profile"] = [
            f"self {tt * 1000:8.1f} ms  cum {ct * 1000:8.1f} ms  {nc:>8}  "
            f"{Path(file).name}:{line} {fn}"
            for (file, line, fn), (_, nc, tt, ct, _) in top
        ]
    return out


# --- report --------------------------------------------------------------------------


def command_line() -> str:
    return " ".join([".venv/bin/python", "bench/payments.py", *sys.argv[1:]])


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def growth(m: dict[str, Any], lineages: list[Lineage], key: str) -> str:
    values = [m["sizes"][str(lineage.records)][key]["median_ms"] for lineage in lineages]
    return ", ".join(f"{b / a:.1f}×" for a, b in itertools.pairwise(values))


def section(
    lineages: list[Lineage], m: dict[str, Any], load: Load, load_before: float, runs: int
) -> str:
    machine = (
        f"Measured {today()}, {cores()} cores ({cpu_model()}), {memory_total_gb():.0f} GB RAM, "
        f"Python {python_version()}, {m['database']}"
        + (f" (jit {m['jit']})" if "jit" in m else "")
        + f", Django {version('django')}, gmpy2 {version('gmpy2')}; load average "
        f"{load_before:.1f} when the run started (the machine is shared: other work may have "
        "run at the same time)."
    )
    shapes = "; ".join(
        f"{lineage.records:,} records: depth {lineage.depth}, {lineage.edges:,} edges "
        f"({lineage.uses / lineage.edges:.0%} `uses`), {lineage.accepted:,} accepted "
        f"co-creators, {m['sizes'][str(lineage.records)]['paid']:,} people paid at least a "
        f"cent, exact shares with denominators of up to "
        f"{m['sizes'][str(lineage.records)]['max_denominator_digits']} digits, snapshot "
        f"{m['sizes'][str(lineage.records)]['snapshot_json_bytes'] / 1e6:.1f} MB of JSON"
        for lineage in lineages
    )
    shape = (
        f"The lineages (seed {SEED}, bench/payments.py): {shapes}. Members, records, "
        f"co-creators and edges bulk-loaded in {load.rows_s:.0f} s (migrate "
        f"{load.migrate_s:.0f} s, {'VACUUM ' if 'jit' in m else ''}ANALYZE "
        f"{load.analyze_s:.1f} s); projects, calls, entries, productions, releases and pools "
        f"made through the services in {load.setup_s:.0f} s (of which `release`, the credit "
        f"rolls, {load.release_s:.0f} s). The pool: a profit share of "
        f"{POOL_AMOUNT / 100:,.2f} {CURRENCY}."
    )
    lines = [
        "| lineage | `snapshot.take` | `inputs_for` | `split.split` (compute + rounding) "
        "| … of which rounding | `make_proposal` (whole) | lines | lines sum to the pool |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for lineage in lineages:
        s = m["sizes"][str(lineage.records)]
        check = s["check"]
        verdict = "yes" if check["sum"] == check["amount"] == POOL_AMOUNT else "**no**"
        lines.append(
            f"| {lineage.label} | {ms(s['take']['median_ms'])} | {ms(s['inputs']['median_ms'])} "
            f"| {ms(s['split']['median_ms'])} | {ms(s['rounding']['median_ms'])} "
            f"| {ms(s['proposal']['median_ms'])} | {check['lines']:,} "
            f"| {verdict} ({check['sum']:,} = {check['amount']:,}) |"
        )
    lines.append(
        "| growth per 10× (1k → 10k, 10k → 100k) | "
        + " | ".join(
            growth(m, lineages, key) for key in ("take", "inputs", "split", "rounding", "proposal")
        )
        + " | — | — |"
    )
    inside = [
        "| lineage | `snapshot.take` | `inputs_for` | `split.split` | storing in all | … "
        "building the lines (`_lines`) | … INSERT of the proposal (its snapshot) | … INSERT "
        "of the lines | … other SQL | … COMMIT | … the rest (Django preparing the rows) "
        "| whole | garbage collector, anywhere in it |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for lineage in lineages:
        s = m["sizes"][str(lineage.records)]
        counted = s["check"]["statements"]

        def cell(key: str, s: dict[str, Any] = s) -> str:
            return ms(s[key]["median_ms"])

        inside.append(
            f"| {lineage.short} | {cell('in_take')} | {cell('in_inputs')} | {cell('in_split')} "
            f"| {cell('store')} | {cell('lines_build')} | {cell('sql_proposal')} "
            f"| {cell('sql_lines')} ({plural(counted.get('sql_lines', 0), 'statement')}) "
            f"| {cell('sql_other')} ({counted.get('sql_other', 0)}) | {cell('commit')} "
            f"| {cell('rest')} | {cell('proposal')} | {cell('gc')} "
            f"({plural(round(s['gc_full_passes']), 'full pass', 'full passes')}) |"
        )
    big = m["sizes"][str(lineages[-1].records)]
    whole = big["proposal"]["median_ms"]
    met = whole <= GOAL_MS
    goal = f"Goal: a proposal for {lineages[-1].records:,} records in ≤ {GOAL_MS:,} ms: " + (
        f"met ({ms(whole)})." if met else f"**not met** ({ms(whole)}, median)."
    )
    return (
        "_Written by `make bench-payments` (bench/payments.py); edit the script, not this "
        f"section._ Command: `{command_line()}`.\n\n"
        f"{machine}\n\n{shape}\n\n"
        f"Each figure: the median of {runs} runs, in rounds interleaving the three lineages "
        f"after {WARMUP} warm-up round, in one process with Django set up against the loaded "
        "database (DEBUG off). `snapshot.take`, `inputs_for` and `split.split` are timed "
        "alone, then the whole `make_proposal` (snapshot, split, the proposal with its "
        "snapshot, one revision, the lines bulk-created). After every call the stored lines "
        "are read back: they sum exactly to the pool and equal `split.split`'s cents.\n\n"
        + "\n".join(lines)
        + f"\n\n{goal}\n\n"
        "Inside `make_proposal`, in the same calls (the functions it calls wrapped, its SQL "
        "timed by an execute wrapper, its COMMIT and the garbage collector's passes timed; "
        "the median of each part, so the parts need not add up to the whole exactly). "
        "Storing = whole − take − inputs − split; the SQL columns include the driver "
        "adapting the parameters (psycopg encodes JSON and arrays there), the rest is "
        "Django's own work before that (model instances' values, JSON on SQLite):\n\n"
        + "\n".join(inside)
        + "\n"
    )


SKELETON = """

## Payments: a proposal for a lineage of 100,000 records

`make bench-payments` (`bench/payments.py`, about 3 minutes) generates three seeded
production lineages (1,000 records and 200 people, 10,000 and 2,000, 100,000 and 20,000;
the production cites 100 selected entries, every record 1–3 older ones, depth 24–33),
bulk-loads them into a throwaway SQLite file and a throwaway PostgreSQL database, makes the
projects, productions, releases and pools through the services, and times
`snapshot.take`, the split and the whole `make_proposal` for each size. Goal (issue text):
100,000 records in ≤ 1 s, growing linearly.

```sh
make bench-payments                                  # both databases, rewrites the sections below
.venv/bin/python bench/payments.py --db postgres     # one database
.venv/bin/python bench/payments.py --quick           # fewer runs; prints only
```

### Payments, SQLite

<!-- bench:payments-sqlite:start -->
<!-- bench:payments-sqlite:end -->

### Payments, PostgreSQL

<!-- bench:payments-postgres:start -->
<!-- bench:payments-postgres:end -->

### Reading the payments figures

<!-- bench:payments-reading:start -->
<!-- bench:payments-reading:end -->
"""


def ensure_skeleton() -> None:
    """Add the payments part of the page once, after everything already there."""
    text = DOC.read_text()
    if "<!-- bench:payments-sqlite:start -->" not in text:
        DOC.write_text(text.rstrip() + SKELETON)


def print_figures(name: str, lineages: list[Lineage], m: dict[str, Any]) -> None:
    for lineage in lineages:
        s = m["sizes"][str(lineage.records)]
        print(
            f"  {name:<8} {lineage.short:>4}  take {ms(s['take']['median_ms']):>9}  inputs "
            f"{ms(s['inputs']['median_ms']):>9}  split {ms(s['split']['median_ms']):>9}  "
            f"make_proposal {ms(s['proposal']['median_ms']):>9}  (store "
            f"{ms(s['store']['median_ms'])}: lines {ms(s['lines_build']['median_ms'])}, "
            f"INSERT proposal {ms(s['sql_proposal']['median_ms'])}, INSERT lines "
            f"{ms(s['sql_lines']['median_ms'])}, commit {ms(s['commit']['median_ms'])}, rest "
            f"{ms(s['rest']['median_ms'])}; gc {ms(s['gc']['median_ms'])})  "
            f"sum {s['check']['sum']:,} = "
            f"{s['check']['amount']:,}",
            flush=True,
        )
    for line in m.get("profile", []):
        print(f"      {line}")


# --- main ----------------------------------------------------------------------------


def run_database(
    name: str, lineages: list[Lineage], runs: int, profile: bool
) -> tuple[dict[str, Any], Load]:
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-payments-", dir="/tmp") as tmp:
        folder = Path(tmp)
        try:
            if name == "sqlite":
                path = folder / "payments.sqlite3"
                env = bench_env(folder, f"sqlite:///{path}")
                print(f"sqlite: loading into {path}", flush=True)
                load = load_sqlite(lineages, path, env)
            else:
                env = bench_env(folder, PG_URL)
                print(f"postgres: loading into {PG_NAME}", flush=True)
                load = load_postgres(lineages, env)
            print(
                f"  migrate {load.migrate_s:.1f} s, rows {load.rows_s:.1f} s, analyze "
                f"{load.analyze_s:.1f} s",
                flush=True,
            )
            spec = {
                "runs": runs,
                "profile": profile,
                "lineages": [lineage.spec() for lineage in lineages],
            }
            m = measure_in_child(__file__, env, spec)
        finally:
            if name == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    load.setup_s, load.release_s = m["setup_s"], m["release_s"]
    print(f"  services set-up {load.setup_s:.1f} s (release {load.release_s:.1f} s)")
    print_figures(name, lineages, m)
    return m, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="2 runs; print only")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of one 100,000-record make_proposal",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_in_django(json.loads(args.child))))
        return 0
    runs = 2 if args.quick else RUNS
    load_before = load_average()
    try:
        start = time.perf_counter()
        lineages = generate()
        print(
            "Generated "
            + "; ".join(
                f"{g.label}: depth {g.depth}, {g.edges:,} edges, {g.accepted:,} co-creators"
                for g in lineages
            )
            + f" in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        names = ("sqlite", "postgres") if args.db == "both" else (args.db,)
        for name in names:
            m, load = run_database(name, lineages, runs, args.profile)
            body = section(lineages, m, load, load_before, runs)
            if args.quick:
                print(body)
            else:
                ensure_skeleton()
                write_section(DOC, f"payments-{name}", body)
                print(f"Wrote the bench:payments-{name} section of {DOC.relative_to(ROOT)}")
            load_before = load_average()
    except BenchError as error:
        print(f"bench-payments: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
