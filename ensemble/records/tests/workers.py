"""Real worker processes for the tests that kill one mid-job (records' processing,
timelines' rendering): a site of their own on a SQLite file (the test database is in
memory), run through the real `manage.py`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def site_env(var_dir: Path) -> dict[str, str]:
    """A site under `var_dir` whose stalled jobs are taken over after 5 s."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ensemble.settings",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir}/db.sqlite3",
        "SECRET_KEY": "kill-test-secret-key-that-is-long-enough-for-the-check",
        "DEBUG": "false",
        "PROCESSING_STALL_SECONDS": "5",
    }


def manage(env: dict[str, str], *args: str) -> str:
    """`manage.py ARGS` on that site; its output, or the test fails with its errors."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`manage.py worker`, sweeping every second, in a process group of its own (to kill)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--sweep-every", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
