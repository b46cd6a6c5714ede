"""What bench/payments.py measures, in the child process with Django set up against the
loaded database: the projects, productions and pools made through the services, then the
proposals timed, as a whole and step by step (see bench/payments.py's steps 3 and 4)."""

from __future__ import annotations

import cProfile
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness import BenchError, database_facts
from payments_data import COST, CURRENCY, POOL_AMOUNT, REVENUE, SHARE_BP

WARMUP = 1  # rounds before the timed ones


def setup(spec: dict[str, Any]) -> tuple[Any, Any, float]:
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


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """In the child: Django set up against the loaded database."""
    from django.db.models import Count, Sum

    from ensemble.payments import split
    from ensemble.payments.models import Line, Proposal, Revision
    from ensemble.payments.services import proposals, snapshot

    out: dict[str, Any] = {"sizes": {}, **database_facts("jit")}

    start = time.perf_counter()
    made = []
    release_s = 0.0
    for lineage in spec["lineages"]:
        leader, pool, seconds = setup(lineage)
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
