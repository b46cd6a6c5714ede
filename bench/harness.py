"""What the database benchmarks share: where things are, a throwaway environment, the
PostgreSQL admin connection, the measuring child process, and how figures are written.

Each benchmark (`lineage.py`, `projects.py`, `payments.py`, `community.py`, `demo.py`)
builds its own data and report; these are the parts that were the same in all of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from loadgen import BenchError

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
ENSEMBLE = str(Path(sys.executable).with_name("ensemble"))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def bench_env(folder: Path, database_url: str, **extra: str) -> dict[str, str]:
    """As an operator runs it: DEBUG off, a random key, everything under `folder`."""
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "ensemble.settings")
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        VAR_DIR=str(folder),
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """`ensemble ARGS` in its own process; its output, or BenchError with it."""
    done = subprocess.run([ENSEMBLE, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`ensemble {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as db:
        for statement in statements:
            db.execute(statement)


def measure_in_child(
    script: str, env: dict[str, str], spec: dict[str, Any], *, show_progress: bool = True
) -> dict[str, Any]:
    """Run `script --child SPEC` with Django set up against `env`'s database; its last
    line of output is the JSON result. Its progress (stderr) goes straight through, or
    is kept for the error message when `show_progress` is off."""
    done = subprocess.run(
        [sys.executable, script, "--child", json.dumps(spec)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if show_progress else subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"The measuring process failed:\n{done.stdout}{done.stderr or ''}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_total_gb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def ms(value: float) -> str:
    if value < 10:
        return f"{value:.2f} ms"
    return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"


def percentile(values: list[float], p: int) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-p * len(ordered) // 100) - 1)]
