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

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from loadgen import BenchError, Result, median_run, run_wrk, wrk_path, wrk_version
from report import (
    Machine,
    cores,
    cpu_model,
    load_average,
    python_version,
    section,
    today,
    write_section,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
# The `ensemble` console script of the interpreter running us, i.e. of .venv.
ENSEMBLE = str(Path(sys.executable).with_name("ensemble"))
CONNECTIONS = (8, 32)


@dataclass(frozen=True)
class Endpoint:
    """A URL under test and a piece of text its 200 response must contain."""

    path: str
    expect: str
    needs_token: bool = False


ENDPOINTS = (
    Endpoint("/healthz", expect="ok"),
    Endpoint("/@alice/", expect="Alice Martin"),
    Endpoint("/api/v1/me", expect='"alice"', needs_token=True),
)


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


def free_port() -> int:
    """A port nobody listens on now (the OS picks it), so runs never clash with `make run`."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(folder: Path, port: int) -> dict[str, str]:
    """Production-like settings pointing at the throwaway folder.

    The caller's DATABASE_URL is honoured (to measure PostgreSQL), and so is
    DJANGO_SETTINGS_MODULE, so a settings change can be measured before it is made.
    """
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "ensemble.settings")
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        VAR_DIR=str(folder),
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
    )
    env.setdefault("LOG_LEVEL", "WARNING")
    return env


def section_name(env: dict[str, str]) -> str:
    """One docs section per database engine, so a PostgreSQL run keeps the SQLite table."""
    return "serving" if env["DATABASE_URL"].startswith("sqlite") else "serving-postgres"


def manage(env: dict[str, str], *args: str) -> None:
    """Run an `ensemble` management command; its output only matters when it fails."""
    done = subprocess.run([ENSEMBLE, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`ensemble {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")


def prepare(env: dict[str, str]) -> dict[str, object]:
    """Create the schema and static files, seed alice; return seed's facts."""
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    seeded = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "seed.py")], env=env, capture_output=True, text=True
    )
    if seeded.returncode != 0:
        raise BenchError(f"Seeding failed:\n{seeded.stdout}{seeded.stderr}")
    return json.loads(seeded.stdout.strip().splitlines()[-1])


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`ensemble serve --no-worker` in its own process group, output to a log file."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [ENSEMBLE, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as a process manager would; `serve` then stops granian. Kill if stuck."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group we created in start_server
        server.wait()


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """One GET without following redirects (a 301 must not pass for a 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def wait_until_up(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
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


def machine(facts: dict[str, object], load_before: float) -> Machine:
    return Machine(
        cores=cores(),
        cpu=cpu_model(),
        python=python_version(),
        database=str(facts["database"]),
        django=str(facts["django"]),
        server=(
            f"granian {version('granian')} WSGI "
            f"({facts['web_workers']} workers, --blocking-threads 4)"
        ),
        wrk=wrk_version(),
        date=today(),
        load_average=load_before,
    )


def bench() -> None:
    seconds = env_count("BENCH_SECONDS", 10)
    warmup = env_count("BENCH_WARMUP", 3)
    rounds = env_count("BENCH_ROUNDS", 3)
    wrk_path()  # fail before any setup if the load generator is missing
    load_before = load_average()  # before our own processes add to it
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-") as tmp:
        folder = Path(tmp)
        port = free_port()
        env = bench_env(folder, port)
        print(f"Preparing a throwaway site in {folder} ({env['DATABASE_URL']})", flush=True)
        facts = prepare(env)
        token = str(facts["token"])
        log = folder / "server.log"
        server = start_server(env, port, log)
        try:
            wait_until_up(server, port, log)
            check_endpoints(port, token)
            print(f"Warming up ({warmup} s per endpoint)", flush=True)
            measure(port, token, seconds=warmup, connections=(8,))
            print(f"Measuring ({rounds} rounds, {seconds} s per row)", flush=True)
            results = measure(port, token, seconds=seconds, connections=CONNECTIONS, rounds=rounds)
            if server.poll() is not None:
                raise BenchError(f"The server died during the run:\n{log.read_text()}")
        finally:
            stop_server(server)
    name = section_name(env)
    write_section(
        DOC, name, section(machine(facts, load_before), results, seconds=seconds, rounds=rounds)
    )
    print(f"Wrote the bench:{name} section of {DOC.relative_to(ROOT)}")


def main() -> int:
    try:
        bench()
    except BenchError as error:
        print(f"make bench: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
