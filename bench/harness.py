"""How every benchmark runs: its environment, its throwaway database, its processes and its
clock, written once. Each benchmark file holds only its own measurement; report.py says
what it found, bulkload.py fills the databases.

- `bench_env`, `manage`, `migrate`: an `ensemble` site as an operator runs it (DEBUG off,
  a random key, everything under a temporary folder).
- `throwaway`: a temporary folder and an empty database for one run (an SQLite file in
  the folder, or a PostgreSQL database created and dropped again).
- `measure_in_child`: a function of a benchmark run in a fresh process with Django set up
  against that database (bench/child.py), its result back as JSON.
- `serving`: the real server (`ensemble serve`) on a free port, stopped however the run
  ends; `process_tree`, `rss_mb` and `cpu_seconds` read its processes' memory and CPU
  time from /proc.
- `Laps`, `interleaved`, `summary`: timing, with rounds interleaved so that a burst of
  other work on a shared machine hits every row a bit rather than one row a lot.
- `arguments` and `run`: the command line every database benchmark takes, and one way a
  failed run ends (a `BenchError` message, exit status 1).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The `ensemble` console script of the interpreter running us, i.e. of .venv.
ENSEMBLE = str(Path(sys.executable).with_name("ensemble"))
CHILD = str(Path(__file__).with_name("child.py"))
PG_SERVER = "postgres@127.0.0.1:5432"
PG_ADMIN = f"postgresql://{PG_SERVER}/postgres"


class BenchError(RuntimeError):
    """A run whose figures must not be reported (errors, no requests, unreadable output)."""


def run(make: str, bench: Callable[[], None]) -> int:
    """The exit status of `bench`: 1, with the error on stderr, when it raised BenchError."""
    try:
        bench()
    except BenchError as error:
        print(f"{make}: {error}", file=sys.stderr)
        return 1
    return 0


def arguments(doc: str, *, quick: str | None = None) -> argparse.ArgumentParser:
    """`--db sqlite|postgres|both` (both by default) and, given its help, `--quick`."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    if quick:
        parser.add_argument("--quick", action="store_true", help=quick)
    return parser


def engines(choice: str) -> tuple[str, ...]:
    return ("sqlite", "postgres") if choice == "both" else (choice,)


def env_count(name: str, default: int) -> int:
    """A positive whole number from the environment (seconds, rounds)."""
    raw = os.environ.get(name, str(default))
    try:
        count = int(raw)
    except ValueError:
        raise BenchError(f"{name}={raw!r} must be a whole number.") from None
    if count < 1:
        raise BenchError(f"{name} must be at least 1.")
    return count


# --- the site --------------------------------------------------------------------------


def bench_env(folder: Path, database_url: str, **extra: str) -> dict[str, str]:
    """As an operator runs it: DEBUG off, a random key, everything under `folder`.

    DJANGO_SETTINGS_MODULE is honoured, so a settings change can be measured before it
    is made. The repository's root comes first on PYTHONPATH: the site served and
    measured is this checkout's `ensemble` (in a git worktree, not the one the editable
    install points at), and bench-only modules import as `bench.…` (naive_settings)."""
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "ensemble.settings")
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        VAR_DIR=str(folder),
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """`ensemble ARGS` in its own process; its output, or BenchError with it."""
    done = subprocess.run([ENSEMBLE, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`ensemble {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def migrate(env: dict[str, str], *, static: bool = False) -> float:
    """`ensemble migrate` (and `collectstatic`: pages' {% static %} needs the manifest);
    the seconds it took."""
    start = time.perf_counter()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    if static:
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    return time.perf_counter() - start


def pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as db:
        for statement in statements:
            db.execute(statement)


@dataclass(frozen=True)
class Database:
    """One run's database and the folder beside it (VAR_DIR: media, static files)."""

    engine: str  # "sqlite" or "postgres"
    folder: Path
    env: dict[str, str]
    path: Path  # the SQLite file (unused for PostgreSQL)
    name: str  # the PostgreSQL database (unused for SQLite)

    @property
    def dsn(self) -> str:
        """What psycopg connects to."""
        return f"postgresql://{PG_SERVER}/{self.name}"

    @property
    def where(self) -> str:
        return str(self.path) if self.engine == "sqlite" else self.name


@contextlib.contextmanager
def throwaway(engine: str, bench: str, *, keep: bool = False, **extra: str) -> Iterator[Database]:
    """A temporary folder and, for `engine`, an empty database: `BENCH.sqlite3` in the
    folder, or the PostgreSQL database `ensemble_bench_BENCH`, (re)created now and dropped
    afterwards unless `keep`. `extra` goes into the environment."""
    with tempfile.TemporaryDirectory(prefix=f"ensemble-bench-{bench}-") as tmp:
        folder = Path(tmp)
        path, name = folder / f"{bench}.sqlite3", f"ensemble_bench_{bench}"
        if engine == "sqlite":
            url = f"sqlite:///{path}"
        else:
            url = f"postgres://{PG_SERVER}/{name}"
            pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        try:
            yield Database(engine, folder, bench_env(folder, url, **extra), path, name)
        finally:
            if engine == "postgres" and not keep:
                pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- the measuring child ---------------------------------------------------------------


def measure_in_child(
    target: str, env: dict[str, str], spec: dict[str, Any], *, show_progress: bool = True
) -> dict[str, Any]:
    """`MODULE:FUNCTION(spec)` in a fresh process with Django set up against `env`'s
    database (bench/child.py); its last line of output is the JSON result. Its progress
    (stderr) goes straight through, or is kept for the error message when
    `show_progress` is off."""
    done = subprocess.run(
        [sys.executable, CHILD, target, json.dumps(spec)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if show_progress else subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"The measuring process failed:\n{done.stdout}{done.stderr or ''}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def database_facts(*settings: str) -> dict[str, str]:
    """In the child: the database as the report names it ("SQLite 3.40.1", "PostgreSQL
    16.4"), and on PostgreSQL the value of each named setting (SHOW)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"database": f"SQLite {sqlite3.sqlite_version}"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        facts = {"database": f"PostgreSQL {cursor.fetchone()[0].split()[0]}"}
        for setting in settings:
            cursor.execute(f"SHOW {setting}")
            facts[setting] = cursor.fetchone()[0]
    return facts


# --- the server ------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on now (the OS picks it), so runs never clash with `make run`."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """One GET without following redirects (a 301 must not pass for a 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


@contextlib.contextmanager
def serving(
    env: dict[str, str], port: int, log: Path, *, worker: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """`ensemble serve` (without its task worker unless `worker`) in its own process
    group, output to `log`, answering /healthz; stopped however the block ends, and the
    block fails if the server died during it."""
    command = [ENSEMBLE, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command if worker else [*command, "--no-worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(server, port, log)
        yield server
        if server.poll() is not None:
            raise BenchError(f"The server died during the run:\n{log.read_text()}")
    finally:
        _stop(server)


def _wait_until_up(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll /healthz until it answers; fail early, with the log, if the server died."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"The server exited ({server.returncode}):\n{log.read_text()}")
        with contextlib.suppress(OSError):  # refused: not listening yet
            if get(port, "/healthz", {})[0] == 200:
                return
        time.sleep(0.2)
    raise BenchError(f"The server did not answer /healthz within 60 s:\n{log.read_text()}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as a process manager would; `serve` then stops granian. Kill if stuck."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group `serving` created
        server.wait()


def process_tree(root: int) -> dict[int, int]:
    """`root` and all its descendants, each with its parent, from /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):  # gone meanwhile
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = {root: 0}, [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            found[child] = pid
            todo.append(child)
    return found


def rss_mb(pid: int) -> tuple[float, float] | None:
    """(RSS, its anonymous part) in MB, or None if the process is gone. The rest is file
    pages: SQLite's database is mapped (PRAGMA mmap_size) by each connection, so RSS grows
    as pages of a growing file are read, without a byte of heap; RssAnon is the heap,
    where a leak shows."""
    values: dict[str, float] = {}
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "RssAnon:")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024
    if "VmRSS" not in values:
        return None
    return values["VmRSS"], values.get("RssAnon", values["VmRSS"])


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of `pid` and all its descendants so far."""
    ticks = 0
    for process in process_tree(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):  # gone meanwhile
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# --- the clock -------------------------------------------------------------------------


class Laps(dict[str, float]):
    """Named durations in seconds, each added up by `with laps("name"): ...`."""

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - start


def percentile(values: list[float], p: int) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-p * len(ordered) // 100) - 1)]


def summary(times_ms: list[float]) -> dict[str, float]:
    """What a report row shows of its timed runs: the median, the p95, how many."""
    return {
        "median_ms": statistics.median(times_ms),
        "p95_ms": percentile(times_ms, 95),
        "runs": len(times_ms),
    }


def interleaved(
    calls: Mapping[str, Callable[[], object]],
    rounds: int,
    *,
    warmup: int | Mapping[str, int] = 3,
    enough: Callable[[str, list[float]], bool] | None = None,
    progress: bool = False,
) -> dict[str, list[float]]:
    """Each call's times in ms: its warm-up calls first (`warmup`, or per call), then
    `rounds` rounds calling each in turn, skipping a call once `enough(name, its times)`
    says so. With `progress`, each round is counted on stderr."""
    for name, call in calls.items():
        for _ in range(warmup if isinstance(warmup, int) else warmup[name]):
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for number in range(rounds):
        for name, call in calls.items():
            if enough is not None and enough(name, times[name]):
                continue
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) * 1000)
        if progress:
            print(f"  round {number + 1} of {rounds}", file=sys.stderr, flush=True)
    return times
