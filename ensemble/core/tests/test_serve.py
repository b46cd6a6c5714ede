"""`ensemble serve` (what `make run` runs): web server and worker start and stop together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensemble(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ensemble", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def _wait_for(url: str, seconds: float) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc (children first started by it)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while we looked
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def served(tmp_path: Path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ensemble.settings",
        "DEBUG": "false",
        "SECRET_KEY": "serve-test-" + "k" * 40,
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_URL": "console://",
        "PORT": str(port),
        "WEB_WORKERS": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ensemble", "serve"],
        env=env,
        start_new_session=True,  # its own process group, like a terminal's foreground job
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process, env, port
    for pid in _descendants(process.pid) | {process.pid}:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def test_serve_runs_the_site_and_the_worker_and_ctrl_c_stops_both(served):
    process, env, port = served
    assert _wait_for(f"http://127.0.0.1:{port}/healthz", 60) == b"ok"
    home = _wait_for(f"http://127.0.0.1:{port}/", 10)
    assert b"Make things together" in home

    # The worker started by the same command picks up queued work.
    _ensemble(
        env,
        "shell",
        "-c",
        "from ensemble.core.tasks import send_email;"
        "send_email.enqueue(to=['x@example.org'], subject='hi', body='hello')",
    )
    deadline = time.monotonic() + 90  # generous: CI machines can be busy
    status = ""
    while time.monotonic() < deadline and status != "SUCCESSFUL":
        status = _ensemble(
            env,
            "shell",
            "-c",
            "from django_tasks_db.models import DBTaskResult;"
            "print(DBTaskResult.objects.get().status)",
        ).split()[-1]
        time.sleep(0.5)
    assert status == "SUCCESSFUL"

    children = _descendants(process.pid)
    assert len(children) >= 3  # granian, its worker process, the task worker

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "Stopped." in output
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "a process outlived `ensemble serve`"


def test_serve_stops_everything_on_sigterm_too(served):
    """How systemd, Docker and friends stop a service: SIGTERM to the main process only."""
    process, _env, port = served
    assert _wait_for(f"http://127.0.0.1:{port}/healthz", 60) == b"ok"
    children = _descendants(process.pid)
    process.terminate()
    process.communicate(timeout=60)
    assert process.returncode == 0
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)]
