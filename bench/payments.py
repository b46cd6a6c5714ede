"""`make bench-payments`: a payment proposal for lineages of 1,000, 10,000 and 100,000 records.

Steps:
1. Generate three seeded production lineages (bench/payments_data.py: 1,000 records and
   200 people, 10,000 and 2,000, 100,000 and 20,000). The production record cites the
   project's 100 selected entries; every other record cites 1–3 older records, in a DAG
   of depth 24–33; 8 % of the records invited one or two co-creators.
2. For each database: a throwaway database (an SQLite file in a temporary folder, or the
   PostgreSQL database `ensemble_bench_payments`, created and dropped), migrated by
   `ensemble migrate` as an operator would; members, records, co-creators and the graph
   bulk-loaded (bench/bulkload.py: PostgreSQL COPY; SQLite executemany in one
   transaction), then ANALYZE (PostgreSQL: VACUUM ANALYZE).
3. In a fresh process with Django set up against it (DEBUG off; bench/payments_child.py),
   through the services: a project per lineage (its owner is the leader), an open call,
   the 100 entries submitted by their owners and selected, `make_production` (the
   production's 100 citations were loaded with the graph, as `make_production` writes
   them, so it only records the production), `release` (the credit roll frozen), then a
   profit-share pool (`create_pool`) fed by one revenue and one cost (`record_entry`).
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

import functools
import itertools
import sys
import time
from importlib.metadata import version
from typing import Any

from bulkload import load
from harness import Laps, arguments, engines, measure_in_child, migrate, run, throwaway
from payments_child import WARMUP
from payments_data import CURRENCY, POOL_AMOUNT, SEED, TABLES, Lineage, generate, table_rows
from report import Page, machine_line, ms, table

GOAL_MS = 1_000
RUNS = 5


# --- report --------------------------------------------------------------------------


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def growth(m: dict[str, Any], lineages: list[Lineage], key: str) -> str:
    values = [m["sizes"][str(lineage.records)][key]["median_ms"] for lineage in lineages]
    return ", ".join(f"{b / a:.1f}×" for a, b in itertools.pairwise(values))


STEPS = ("take", "inputs", "split", "rounding", "proposal")
INSIDE = (
    "lineage",
    "`snapshot.take`",
    "`inputs_for`",
    "`split.split`",
    "storing in all",
    "… building the lines (`_lines`)",
    "… INSERT of the proposal (its snapshot)",
    "… INSERT of the lines",
    "… other SQL",
    "… COMMIT",
    "… the rest (Django preparing the rows)",
    "whole",
    "garbage collector, anywhere in it",
)


def inside_row(m: dict[str, Any], lineage: Lineage) -> tuple:
    """The parts of one `make_proposal`, timed in the same calls."""
    s = m["sizes"][str(lineage.records)]
    counted = s["check"]["statements"]

    def cell(key: str) -> str:
        return ms(s[key]["median_ms"])

    return (
        lineage.short,
        *(cell(key) for key in ("in_take", "in_inputs", "in_split", "store", "lines_build")),
        cell("sql_proposal"),
        f"{cell('sql_lines')} ({plural(counted.get('sql_lines', 0), 'statement')})",
        f"{cell('sql_other')} ({counted.get('sql_other', 0)})",
        cell("commit"),
        cell("rest"),
        cell("proposal"),
        f"{cell('gc')} ({plural(round(s['gc_full_passes']), 'full pass', 'full passes')})",
    )


def section(lineages: list[Lineage], m: dict[str, Any], laps: Laps, page: Page, runs: int) -> str:
    machine = machine_line(
        m["database"] + (f" (jit {m['jit']})" if "jit" in m else ""),
        f"Django {version('django')}",
        f"gmpy2 {version('gmpy2')}",
        load_before=page.load_before,
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
        f"co-creators and edges bulk-loaded in {laps['rows']:.0f} s (migrate "
        f"{laps['migrate']:.0f} s, {'VACUUM ' if 'jit' in m else ''}ANALYZE "
        f"{laps['analyze']:.1f} s); projects, calls, entries, productions, releases and pools "
        f"made through the services in {m['setup_s']:.0f} s (of which `release`, the credit "
        f"rolls, {m['release_s']:.0f} s). The pool: a profit share of "
        f"{POOL_AMOUNT / 100:,.2f} {CURRENCY}."
    )
    head = ("lineage", "`snapshot.take`", "`inputs_for`", "`split.split` (compute + rounding)")
    rows = []
    for lineage in lineages:
        s = m["sizes"][str(lineage.records)]
        check = s["check"]
        rows.append(
            (
                lineage.label,
                *(ms(s[key]["median_ms"]) for key in STEPS),
                f"{check['lines']:,}",
                f"{'yes' if check['sum'] == check['amount'] == POOL_AMOUNT else '**no**'} "
                f"({check['sum']:,} = {check['amount']:,})",
            )
        )
    rows.append(
        (
            "growth per 10× (1k → 10k, 10k → 100k)",
            *(growth(m, lineages, key) for key in STEPS),
            "—",
            "—",
        )
    )
    figures = table(
        (*head, "… of which rounding", "`make_proposal` (whole)", "lines", "lines sum to the pool"),
        "lrrrrrrl",
        rows,
    )
    inside = table(INSIDE, "l" + "r" * (len(INSIDE) - 1), (inside_row(m, g) for g in lineages))
    big = m["sizes"][str(lineages[-1].records)]
    whole = big["proposal"]["median_ms"]
    met = whole <= GOAL_MS
    goal = f"Goal: a proposal for {lineages[-1].records:,} records in ≤ {GOAL_MS:,} ms: " + (
        f"met ({ms(whole)})." if met else f"**not met** ({ms(whole)}, median)."
    )
    return (
        page.header() + f"{machine}\n\n{shape}\n\n"
        f"Each figure: the median of {runs} runs, in rounds interleaving the three lineages "
        f"after {WARMUP} warm-up round, in one process with Django set up against the loaded "
        "database (DEBUG off). `snapshot.take`, `inputs_for` and `split.split` are timed "
        "alone, then the whole `make_proposal` (snapshot, split, the proposal with its "
        "snapshot, one revision, the lines bulk-created). After every call the stored lines "
        "are read back: they sum exactly to the pool and equal `split.split`'s cents.\n\n"
        + figures
        + f"\n\n{goal}\n\n"
        "Inside `make_proposal`, in the same calls (the functions it calls wrapped, its SQL "
        "timed by an execute wrapper, its COMMIT and the garbage collector's passes timed; "
        "the median of each part, so the parts need not add up to the whole exactly). "
        "Storing = whole − take − inputs − split; the SQL columns include the driver "
        "adapting the parameters (psycopg encodes JSON and arrays there), the rest is "
        "Django's own work before that (model instances' values, JSON on SQLite):\n\n"
        + inside
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
) -> tuple[dict[str, Any], Laps]:
    with throwaway(name, "payments") as db:
        print(f"{name}: loading into {db.where}", flush=True)
        laps = Laps(migrate=migrate(db.env))
        load(db, TABLES, functools.partial(table_rows, lineages), laps)
        print(
            f"  migrate {laps['migrate']:.1f} s, rows {laps['rows']:.1f} s, analyze "
            f"{laps['analyze']:.1f} s",
            flush=True,
        )
        spec = {
            "runs": runs,
            "profile": profile,
            "lineages": [lineage.spec() for lineage in lineages],
        }
        m = measure_in_child("payments_child:measure", db.env, spec)
    print(f"  services set-up {m['setup_s']:.1f} s (release {m['release_s']:.1f} s)")
    print_figures(name, lineages, m)
    return m, laps


def main() -> int:
    parser = arguments(__doc__, quick="2 runs; print only")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of one 100,000-record make_proposal",
    )
    args = parser.parse_args()
    runs = 2 if args.quick else RUNS
    page = Page("make bench-payments", "bench/payments.py", write=not args.quick, skeleton=SKELETON)

    def bench() -> None:
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
        for name in engines(args.db):
            m, laps = run_database(name, lineages, runs, args.profile)
            page.publish(f"payments-{name}", section(lineages, m, laps, page, runs))

    return run("make bench-payments", bench)


if __name__ == "__main__":
    sys.exit(main())
