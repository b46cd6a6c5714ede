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

import argparse
import re
import sqlite3
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness import DOC, PG_ADMIN, ROOT, bench_env, manage, pg_admin
from loadgen import BenchError
from report import cores, cpu_model, load_average, python_version, today, write_section

PG_NAME = "ensemble_bench_demo"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
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


def timed(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    out = manage(env, *args)
    return time.perf_counter() - start, out


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def counts_and_size(name: str, folder: Path) -> tuple[dict[str, int], int]:
    if name == "sqlite":
        db = sqlite3.connect(folder / "demo.sqlite3")
        counts = {
            k: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for k, t in COUNTED.items()
        }
        db.close()
        size = sum(
            folder_bytes(p) if p.is_dir() else p.stat().st_size
            for p in folder.glob("demo.sqlite3*")
        )
        return counts, size
    import psycopg

    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://")) as db:
        counts = {
            k: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for k, t in COUNTED.items()
        }
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return counts, int(size)


def measure(name: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-demo-", dir="/tmp") as tmp:
        folder = Path(tmp)
        if name == "sqlite":
            env = bench_env(folder, f"sqlite:///{folder / 'demo.sqlite3'}")
        else:
            pg_admin(
                f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", f"CREATE DATABASE {PG_NAME}"
            )
            env = bench_env(folder, PG_URL)
        try:
            migrate_s, _ = timed(env, "migrate", "--no-input", "--verbosity", "0")
            print(f"{name}: migrated in {migrate_s:.1f} s; building the demo", flush=True)
            demo_s, out = timed(env, "demo")
            steps = [
                (m.group(1), float(m.group(2))) for m in map(STEP.match, out.splitlines()) if m
            ]
            media = folder_bytes(folder / "records") + folder_bytes(folder / "media")
            counts, db_size = counts_and_size(name, folder)
        finally:
            if name == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(f"{name}: the demo in {demo_s:.1f} s, {media / 1e6:.1f} MB of media", flush=True)
    return {
        "migrate_s": migrate_s,
        "demo_s": demo_s,
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
        return "PostgreSQL " + db.execute("SHOW server_version").fetchone()[0].split()[0]


def section(results: dict[str, dict[str, Any]], load: float) -> str:
    names = list(results)
    lines = [
        "_Written by `make bench-demo` (bench/demo.py); edit the script, not this section._ "
        "Command: `.venv/bin/python bench/demo.py`.",
        "",
        f"Measured {today()}, {cores()} cores ({cpu_model()}), Python {python_version()}, "
        + ", ".join(database_version(n) for n in names)
        + f", Django {version('django')}, PyAV {version('av')}, Pillow {version('pillow')}; "
        f"load average {load:.1f} when the run started.",
        "",
        "`ensemble demo` in its own process, DEBUG off, into a new database migrated just "
        "before (migrating is timed apart). Media: every byte under `RECORDS_ROOT` and "
        "`MEDIA_ROOT` afterwards (originals and what processing made of them).",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
        "| **the whole demo** | "
        + " | ".join(f"**{results[n]['demo_s']:.1f} s**" for n in names)
        + " |",
    ]
    for n_step, (step, _) in enumerate(results[names[0]]["steps"]):
        cells = [
            f"{results[n]['steps'][n_step][1]:.1f} s" if n_step < len(results[n]["steps"]) else ""
            for n in names
        ]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    lines += [
        "| migrating first (apart) | "
        + " | ".join(f"{results[n]['migrate_s']:.1f} s" for n in names)
        + " |",
        "| **media** | "
        + " | ".join(f"**{results[n]['media'] / 1e6:.1f} MB**" for n in names)
        + " |",
        "| database size | "
        + " | ".join(f"{results[n]['db_size'] / 1e6:.0f} MB" for n in names)
        + " |",
    ]
    for key in COUNTED:
        lines.append(
            f"| {key} | " + " | ".join(f"{results[n]['counts'][key]:,}" for n in names) + " |"
        )
    worst_s = max(r["demo_s"] for r in results.values())
    worst_mb = max(r["media"] for r in results.values()) / 1e6
    verdict = "met" if worst_s <= GOAL_S and worst_mb <= GOAL_MB else "**not met**"
    lines += [
        "",
        f"Goal (≤ {GOAL_S} s, ≤ {GOAL_MB} MB of media): {verdict} "
        f"(at most {worst_s:.0f} s and {worst_mb:.1f} MB).",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    load = load_average()
    names = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    try:
        results = {name: measure(name) for name in names}
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1
    body = section(results, load)
    if args.db == "both":
        write_section(DOC, "demo", body)
        print(f"Wrote the bench:demo section of {DOC.relative_to(ROOT)}")
    else:
        print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
