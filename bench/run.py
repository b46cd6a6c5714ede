"""`make bench`: measure how fast the real server serves real pages, into docs/benchmarks.md.

Steps:
1. Make a throwaway data folder and environment (DEBUG off, a random SECRET_KEY, SQLite
   in the folder unless the caller gives DATABASE_URL, e.g. a PostgreSQL database).
2. Migrate, collect static files, and seed alice (bench/seed.py),
   each as a subprocess with that environment, as an operator would.
3. Start `ensemble serve --no-worker`: the production server (granian WSGI, its flags).
4. Check each endpoint answers 200 with the right body, then warm everything up.
5. Load /healthz (the framework floor), /@alice/ and /api/v1/me with wrk at 8 and 32
   connections, BENCH_SECONDS (default 10) each, in BENCH_ROUNDS (default 3) interleaved
   rounds; report each row's median round. Any error fails the run.
6. Stop the server, then rewrite this benchmark's section of docs/benchmarks.md.

Figures are also read as a ratio to /healthz measured on the same server in the same run:
a busy or slower machine moves every req/s figure, much less the ratios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from harness import (
    ROOT,
    BenchError,
    bench_env,
    env_count,
    free_port,
    get,
    migrate,
    run,
    serving,
)
from loadgen import Result, median_run, run_wrk, wrk_path, wrk_version
from report import Page, machine_line, ratio_text, table

CONNECTIONS = (8, 32)
FLOOR = "/healthz"


@dataclass(frozen=True)
class Endpoint:
    """A URL under test and a piece of text its 200 response must contain."""

    path: str
    expect: str
    needs_token: bool = False


ENDPOINTS = (
    Endpoint(FLOOR, expect="ok"),
    Endpoint("/@alice/", expect="Alice Martin"),
    Endpoint("/api/v1/me", expect='"alice"', needs_token=True),
)


def site_env(folder: Path, port: int) -> dict[str, str]:
    """Production-like settings pointing at the throwaway folder; the caller's
    DATABASE_URL (to measure PostgreSQL) and LOG_LEVEL are honoured."""
    return bench_env(
        folder,
        os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )


def section_name(env: dict[str, str]) -> str:
    """One docs section per database engine, so a PostgreSQL run keeps the SQLite table."""
    return "serving" if env["DATABASE_URL"].startswith("sqlite") else "serving-postgres"


def prepare(env: dict[str, str]) -> dict[str, object]:
    """Create the schema and static files, seed alice; return seed's facts."""
    migrate(env, static=True)
    seeded = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "seed.py")], env=env, capture_output=True, text=True
    )
    if seeded.returncode != 0:
        raise BenchError(f"Seeding failed:\n{seeded.stdout}{seeded.stderr}")
    return json.loads(seeded.stdout.strip().splitlines()[-1])


def server_text(facts: dict[str, object]) -> str:
    """The server as `ensemble serve` runs it, for the reports."""
    return (
        f"granian {version('granian')} WSGI ({facts['web_workers']} workers, --blocking-threads 4)"
    )


def check_endpoints(port: int, token: str) -> None:
    """Every endpoint must answer 200 with its expected content before we time it."""
    for endpoint in ENDPOINTS:
        status, body = get(port, endpoint.path, headers_for(endpoint, token))
        if status != 200 or endpoint.expect not in body:
            raise BenchError(
                f"{endpoint.path} answered {status} without {endpoint.expect!r}:\n{body[:2000]}"
            )


def headers_for(endpoint: Endpoint, token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if endpoint.needs_token else {}


def measure(
    port: int, token: str, *, seconds: int, connections: tuple[int, ...], rounds: int = 1
) -> list[Result]:
    """Each endpoint at each concurrency, in interleaved rounds; the median round of each.

    Within a round the floor runs just before the endpoints it is compared with, so each
    ratio pairs figures measured close in time.
    """
    runs: dict[tuple[str, int], list[Result]] = defaultdict(list)
    for _ in range(rounds):
        for count in connections:
            for endpoint in ENDPOINTS:
                result = run_wrk(
                    f"http://127.0.0.1:{port}{endpoint.path}",
                    endpoint=endpoint.path,
                    connections=count,
                    seconds=seconds,
                    headers=headers_for(endpoint, token),
                )
                print(
                    f"  {endpoint.path:<12} c={count:<3} {result.requests_per_second:8,.0f} "
                    f"req/s  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms",
                    flush=True,
                )
                runs[(endpoint.path, count)].append(result)
    return [median_run(group) for group in runs.values()]


def results_table(results: list[Result]) -> str:
    """The ratio divides by /healthz at the same concurrency, same run."""
    floors = {r.connections: r.requests_per_second for r in results if r.endpoint == FLOOR}
    return table(
        ("endpoint", "connections", "req/s", "p50", "p99", "ratio to floor"),
        "lrrrrl",
        (
            (
                f"`{r.endpoint}`",
                r.connections,
                f"{r.requests_per_second:,.0f}",
                f"{r.p50_ms:.1f} ms",
                f"{r.p99_ms:.1f} ms",
                ratio_text(r.requests_per_second / floors[r.connections]),
            )
            for r in sorted(results, key=lambda r: r.connections)
        ),
    )


def section(
    page: Page, facts: dict[str, object], results: list[Result], *, seconds: int, rounds: int
) -> str:
    """The machine, then the table."""
    machine = machine_line(
        str(facts["database"]),
        f"Django {facts['django']}",
        f"{server_text(facts)}; wrk {wrk_version()} on the same machine",
        load_before=page.load_before,
        memory=False,
        after="",
    )
    return (
        page.header("")
        + f"{machine} Each row: `wrk -t2 --latency` for {seconds} s, the median of {rounds} "
        f"interleaved rounds.\n\n{results_table(results)}\n"
    )


def bench() -> None:
    seconds = env_count("BENCH_SECONDS", 10)
    warmup = env_count("BENCH_WARMUP", 3)
    rounds = env_count("BENCH_ROUNDS", 3)
    wrk_path()  # fail before any setup if the load generator is missing
    page = Page("make bench", "bench/run.py")  # the load average before our processes add to it
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-") as tmp:
        folder, port = Path(tmp), free_port()
        env = site_env(folder, port)
        print(f"Preparing a throwaway site in {folder} ({env['DATABASE_URL']})", flush=True)
        facts = prepare(env)
        token = str(facts["token"])
        with serving(env, port, folder / "server.log"):
            check_endpoints(port, token)
            print(f"Warming up ({warmup} s per endpoint)", flush=True)
            measure(port, token, seconds=warmup, connections=(8,))
            print(f"Measuring ({rounds} rounds, {seconds} s per row)", flush=True)
            results = measure(port, token, seconds=seconds, connections=CONNECTIONS, rounds=rounds)
    page.publish(section_name(env), section(page, facts, results, seconds=seconds, rounds=rounds))


if __name__ == "__main__":
    sys.exit(run("make bench", bench))
