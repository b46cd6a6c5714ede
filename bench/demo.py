"""`make bench-demo`: how long `ensemble demo` takes and how much it makes, per database.

Steps, for SQLite and then PostgreSQL:
1. A throwaway database (an SQLite file in a temporary folder, or the PostgreSQL database
   `ensemble_bench_demo`, created and dropped) and a throwaway VAR_DIR, migrated by
   `ensemble migrate` first (timed apart: an operator's `make run` migrates anyway).
2. `ensemble demo` in its own process, DEBUG off, as an operator would run it: the wall
   time, and the time of each step as the command prints it.
3. What it left: the bytes under RECORDS_ROOT (originals and renditions), the database's
   size, and the rows it made (members, records, versions, entries, hearts).
4. Rewrite the `bench:demo` section of docs/benchmarks.md.

Goal (issue text): the whole demo in ≤ 90 seconds on a 2-core machine, and ≤ 300 MB of
media.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness import PG_ADMIN, Database, Laps, arguments, engines, manage, migrate, run, throwaway
from report import Page, machine_line, table, verdict

GOAL_S, GOAL_MB = 90, 300
COUNTED = {  # what the demo made, by table
    "members": "accounts_user",
    "records": "records_record",
    "versions": "records_version",
    "lineage edges": "lineage_source",
    "entries": "projects_entry",
    "hearts": "community_heart",
    "notifications": "notifications_notification",
}
STEP = re.compile(r"^  (.+): ([0-9.]+) s$")


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def counted(connection: Any) -> dict[str, int]:
    """What the demo made, by table (a DB-API connection of either engine)."""
    return {
        key: connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
        for key, table in COUNTED.items()
    }


def counts_and_size(db: Database) -> tuple[dict[str, int], int]:
    if db.engine == "sqlite":
        with contextlib.closing(sqlite3.connect(db.path)) as connection:
            counts = counted(connection)
        files = db.folder.glob(f"{db.path.name}*")  # with its -wal and -shm
        return counts, sum(folder_bytes(p) if p.is_dir() else p.stat().st_size for p in files)
    import psycopg

    with psycopg.connect(db.dsn) as connection:
        counts = counted(connection)
        (size,) = connection.execute("SELECT pg_database_size(current_database())").fetchall()[0]
    return counts, int(size)


def measure(engine: str) -> dict[str, Any]:
    with throwaway(engine, "demo") as db:
        migrate_s = migrate(db.env)
        print(f"{engine}: migrated in {migrate_s:.1f} s; building the demo", flush=True)
        laps = Laps()
        with laps("demo"):
            out = manage(db.env, "demo")
        steps = [(m.group(1), float(m.group(2))) for m in map(STEP.match, out.splitlines()) if m]
        media = folder_bytes(db.folder / "records") + folder_bytes(db.folder / "media")
        counts, db_size = counts_and_size(db)
    print(f"{engine}: the demo in {laps['demo']:.1f} s, {media / 1e6:.1f} MB of media", flush=True)
    return {
        "migrate_s": migrate_s,
        "demo_s": laps["demo"],
        "steps": steps,
        "media": media,
        "counts": counts,
        "db_size": db_size,
    }


def database_version(name: str) -> str:
    if name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(PG_ADMIN) as db:
        (version_text,) = db.execute("SHOW server_version").fetchall()[0]
    return f"PostgreSQL {version_text.split()[0]}"


def section(page: Page, results: dict[str, dict[str, Any]]) -> str:
    names = list(results)

    def row(label: str, cell: Any) -> list[str]:
        return [label, *(cell(results[n]) for n in names)]

    rows = [row("**the whole demo**", lambda r: f"**{r['demo_s']:.1f} s**")]
    for n_step, (step, _) in enumerate(results[names[0]]["steps"]):
        rows.append(
            row(
                step, lambda r, k=n_step: f"{r['steps'][k][1]:.1f} s" if k < len(r["steps"]) else ""
            )
        )
    rows += [
        row("migrating first (apart)", lambda r: f"{r['migrate_s']:.1f} s"),
        row("**media**", lambda r: f"**{r['media'] / 1e6:.1f} MB**"),
        row("database size", lambda r: f"{r['db_size'] / 1e6:.0f} MB"),
        *(row(key, lambda r, key=key: f"{r['counts'][key]:,}") for key in COUNTED),
    ]
    worst_s = max(r["demo_s"] for r in results.values())
    worst_mb = max(r["media"] for r in results.values()) / 1e6
    machine = machine_line(
        *(database_version(n) for n in names),
        f"Django {version('django')}",
        f"PyAV {version('av')}",
        f"Pillow {version('pillow')}",
        load_before=page.load_before,
        memory=False,
        after="",
    )
    return (
        page.header(".venv/bin/python bench/demo.py") + f"{machine}\n\n"
        "`ensemble demo` in its own process, DEBUG off, into a new database migrated just "
        "before (migrating is timed apart). Media: every byte under `RECORDS_ROOT` and "
        "`MEDIA_ROOT` afterwards (originals and what processing made of them).\n\n"
        + table(["", *names], "l" + "r" * len(names), rows)
        + f"\n\nGoal (≤ {GOAL_S} s, ≤ {GOAL_MB} MB of media): "
        f"{verdict(worst_s <= GOAL_S and worst_mb <= GOAL_MB)} "
        f"(at most {worst_s:.0f} s and {worst_mb:.1f} MB).\n"
    )


def main() -> int:
    args = arguments(__doc__).parse_args()
    # Only a run on both databases fills the section's two columns.
    page = Page("make bench-demo", "bench/demo.py", write=args.db == "both")

    def bench() -> None:
        results = {name: measure(name) for name in engines(args.db)}
        page.publish("demo", section(page, results))

    return run("make bench-demo", bench)


if __name__ == "__main__":
    sys.exit(main())
