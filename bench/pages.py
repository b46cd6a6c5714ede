"""`make bench-pages`: every page people visit, served by the real server, on a site of
PAGES_RECORDS records (default 1,000,000).

Steps, for each database (`--db sqlite|postgres|both`):
1. Generate the site, seeded (bench/pages_data.py): records ÷ 10 members, the lineage
   graph of bench/graphgen.py (≈ 3 edges a record), records ÷ 100 projects, a call with
   5,000 entries, a thread of 1,000 comments, the search index; every record an image
   with a ready version and its thumbnails.
2. A throwaway database (bench/harness.py), migrated with its static files collected as
   an operator would (DEBUG off, a random SECRET_KEY); the rows bulk-loaded with the
   full-text index (bench/bulkload.py, bench/community_load.py); then, through the
   services in a child process (bench/pages_child.py), a production with its pool and
   a finalised proposal, notifications, and a session and a token for two members.
3. In process (test client): each page answers 200 with its text, then its queries are
   counted and its time taken. The site runs with bench/naive_settings.py: its own
   settings plus one page of naive Django (bench/naive_urls.py), measured as the first
   rows after the floor, anonymous and signed in, for reference.
4. `ensemble serve --no-worker`: each URL answers 200 with its text over HTTP (the run
   fails loudly otherwise), is warmed up, then loaded at CONNECTIONS connections for
   PAGES_SECONDS seconds (wrk if installed, else bench/pyload.py); /healthz, the floor,
   first and last, each row's ratio taken to their mean.
5. Rewrite the `bench:pages-sqlite` / `bench:pages-postgres` section of docs/benchmarks.md
   (BENCH_DOC names another page). `--quick`: 20,000 records, 2 s a row, no warm-up
   load; it only prints unless BENCH_DOC names a page to write.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from community_load import load_with_documents
from harness import (
    BenchError,
    Database,
    Laps,
    arguments,
    cpu_seconds,
    engines,
    env_count,
    free_port,
    get,
    measure_in_child,
    migrate,
    run,
    serving,
    throwaway,
)
from loadgen import Result, run_wrk
from pages_data import COMMENTS, ENTRIES, READER, TABLES, Site, table_rows
from pages_list import FLOOR, pages_for
from pages_report import SKELETON, section
from pyload import NAME as PYLOAD
from pyload import run_python
from report import Page

CONNECTIONS = 32
QUICK_RECORDS = 20_000
SETTINGS = "bench.naive_settings"  # the site's settings, and naive Django's page


def settings_env() -> dict[str, str]:
    """The site served with SETTINGS over the settings this run was given (its
    DJANGO_SETTINGS_MODULE, else ensemble.settings), so a settings change is still
    measured as it would be served, and beside naive Django."""
    given = os.environ.get("DJANGO_SETTINGS_MODULE") or "ensemble.settings"
    if given == SETTINGS:  # named again: its base is whatever it was given
        given = os.environ.get("BENCH_BASE_SETTINGS") or "ensemble.settings"
    return {"DJANGO_SETTINGS_MODULE": SETTINGS, "BENCH_BASE_SETTINGS": given}


def content_type(db: Database, app: str, model: str) -> int:
    """A migrated database's django_content_type id (the comments point at it)."""
    sql = "SELECT id FROM django_content_type WHERE app_label = %s AND model = %s"
    if db.engine == "sqlite":
        import sqlite3

        with contextlib.closing(sqlite3.connect(db.path)) as lite:  # open, it would block the load
            return lite.execute(sql.replace("%s", "?"), (app, model)).fetchone()[0]
    import psycopg

    with psycopg.connect(db.dsn) as pg:
        return pg.execute(sql, (app, model)).fetchone()[0]


def setup_spec(site: Site, host: str) -> dict[str, Any]:
    """bench/payments_child.py's setup: the reader's newest record becomes a production
    citing 20 older records of others, selected in a call."""
    g = site.graph
    root = max(r for r in range(1, g.records + 1) if g.owner[r] == READER)
    selected = [r for r in range(2, root // 2, max(1, root // 40)) if g.owner[r] != READER][:20]
    return {
        "leader": READER,
        "records": site.records,
        "selected": selected,
        "root": root,
        "call_title": "Anything the film can use",
        "notifications": 100,
        "host": host,
    }


def check_served(port: int, pages: list[dict[str, Any]], credentials: dict[str, Any]) -> None:
    """Every URL answers 200 with its text over HTTP before anything is timed."""
    from pages_child import check, headers

    for page in pages:
        status, body = get(port, page["path"], headers(page, credentials))
        check(page["key"], status, body, page["expect"])


def settle(port: int, server: int, *, idle: float = 0.1, within_s: float = 180) -> None:
    """Wait until the server is idle (under `idle` of a core for half a second) and
    answers the floor: requests a row left behind (given up on, or queued after an
    error) are still being served, and must not slow the next row."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        before = cpu_seconds(server)
        time.sleep(0.5)
        if cpu_seconds(server) - before < idle * 0.5:
            with contextlib.suppress(OSError):  # timed out: still busy
                if get(port, FLOOR, {})[0] == 200:
                    return
    raise BenchError(f"The server was still busy {within_s:.0f} s after a row.")


def load_all(
    port: int,
    pages: list[dict[str, Any]],
    credentials: dict[str, Any],
    log: Path,
    server: int,
    *,
    seconds: int,
    warmup: int,
) -> dict[str, Result | str]:
    """Each page loaded in turn (after `warmup` seconds of the same), the floor first and
    last. A row that failed under load (an error answer) is its message with the server's
    log of that row, and the next row runs: one broken page must not cost the others'
    figures (the run still fails, after writing them)."""
    from pages_child import headers

    generate = run_wrk if shutil.which("wrk") else run_python
    results: dict[str, Result | str] = {}
    floor = next(p for p in pages if p["path"] == FLOOR)
    order = [floor, *(p for p in pages if p is not floor), {**floor, "key": "floor (end)"}]
    for page in order:
        url = f"http://127.0.0.1:{port}{page['path']}"
        kw = {"endpoint": page["key"], "headers": headers(page, credentials)}
        logged = log.stat().st_size
        try:
            if warmup:
                generate(url, connections=CONNECTIONS, seconds=warmup, **kw)
            result = generate(url, connections=CONNECTIONS, seconds=seconds, **kw)
        except BenchError as error:
            with log.open(errors="replace") as text:
                text.seek(logged)
                tail = text.read().strip().splitlines()[-12:]
            results[page["key"]] = f"{error}\n" + "\n".join(tail)
            print(f"  {page['key']:<32} FAILED: {results[page['key']]}", flush=True)
            settle(port, server)
            continue
        results[page["key"]] = result
        settle(port, server)
        print(
            f"  {page['key']:<32} {result.requests_per_second:8,.0f} req/s  "
            f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms",
            flush=True,
        )
    return results


def run_database(
    engine: str, site: Site, page: Page, *, seconds: int, warmup: int, runs: int
) -> list[str]:
    """Measure `site` on one database and write its section; the rows that failed."""
    port = free_port()
    host = f"127.0.0.1:{port}"
    with throwaway(engine, "pages", SITE_URL=f"http://{host}", **settings_env()) as db:
        print(f"{engine}: loading into {db.where}", flush=True)
        laps = Laps(migrate=migrate(db.env, static=True))
        site.content_type = content_type(db, "records", "record")
        size_mb = load_with_documents(
            db, TABLES, lambda table, suffix: table_rows(site, table, suffix), laps
        )
        print(f"  loaded in {sum(laps.values()):.0f} s, {size_mb:,.0f} MB", flush=True)
        with laps("services"):
            facts = measure_in_child("pages_child:setup", db.env, setup_spec(site, host))
        pages = pages_for(site, facts)
        spec = {"pages": pages, "credentials": facts["credentials"], "host": host, "runs": runs}
        print("In process (test client):", flush=True)
        in_process = measure_in_child("pages_child:queries", db.env, spec)
        log = db.folder / "server.log"
        with serving(db.env, port, log) as server:
            check_served(port, pages, facts["credentials"])
            generator = "wrk" if shutil.which("wrk") else PYLOAD
            print(f"Served ({generator}, {CONNECTIONS} connections, {seconds} s):", flush=True)
            results = load_all(
                port, pages, facts["credentials"], log, server.pid, seconds=seconds, warmup=warmup
            )
    facts.update(size_mb=size_mb, laps=dict(laps), generator=generator)
    facts["granian"] = version("granian")
    facts["django"] = version("django")
    body = section(page, site, pages, facts, in_process, results, seconds=seconds, warmup=warmup)
    page.publish(f"pages-{engine}", body)
    return [f"{engine}: {key}" for key, result in results.items() if isinstance(result, str)]


def main() -> int:
    parser = arguments(__doc__, quick=f"{QUICK_RECORDS:,} records, 2 s a row")
    args = parser.parse_args()
    # A quick run writes only to a page named by BENCH_DOC (a scratch copy), else prints.
    write = not args.quick or bool(os.environ.get("BENCH_DOC"))
    page = Page("make bench-pages", "bench/pages.py", write=write, skeleton=SKELETON)

    def bench() -> None:
        records = QUICK_RECORDS if args.quick else env_count("PAGES_RECORDS", 1_000_000)
        if args.quick and "PAGES_RECORDS" in os.environ:
            raise BenchError("Give --quick or PAGES_RECORDS, not both.")
        if records < QUICK_RECORDS:  # graphgen's deepest record needs 5,000 sources to cite
            raise BenchError(f"PAGES_RECORDS must be at least {QUICK_RECORDS:,}.")
        seconds = 2 if args.quick else env_count("PAGES_SECONDS", 8)
        warmup = 0 if args.quick else 2  # quick: the checks warmed every page
        print(f"Generating {records:,} records", flush=True)
        site = Site.generate(records)
        print(
            f"  {site.graph.edges:,} edges, {site.members:,} members, {site.projects:,} "
            f"projects, {len(site.entries):,} entries, {COMMENTS:,} comments; most used "
            f"#{site.used} (in {site.used_in():,}), deepest #{site.deepest}",
            flush=True,
        )
        if len(site.entries) < ENTRIES:
            print(f"  (only {len(site.entries):,} entries fit this scale)", flush=True)
        failed = []
        for engine in engines(args.db):
            failed += run_database(
                engine, site, page, seconds=seconds, warmup=warmup, runs=3 if args.quick else 5
            )
        if failed:  # after every section is written: the other rows' figures stand
            raise BenchError(f"{len(failed)} rows failed under load: {', '.join(failed)}")

    return run("make bench-pages", bench)


if __name__ == "__main__":
    sys.exit(main())
