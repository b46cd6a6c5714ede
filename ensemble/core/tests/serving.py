"""A real `ensemble serve` on a free port of 127.0.0.1, for tests of faults and abuse.

Its own SQLite file and var folder, console to a file (read it to see what it logged),
and everything it started killed at the end, whatever state the test left it in.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from ensemble.core import redisserver


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid`, with its command line, read from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # exited while we looked
    found: dict[int, str] = {}
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        for child in frontier:
            try:
                found[child] = (
                    Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
            except OSError:
                continue
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def task_status(env: dict[str, str], task_id: str) -> str:
    """A task's status (READY, RUNNING, SUCCESSFUL, FAILED) on the site `env` runs."""
    return _task_result(env, task_id)[0]


def task_finished_at(env: dict[str, str], task_id: str) -> dt.datetime | None:
    """When the task finished (aware, UTC), or None while it has not."""
    finished = _task_result(env, task_id)[1]
    return None if finished == "None" else dt.datetime.fromisoformat(finished)


def _task_result(env: dict[str, str], task_id: str) -> tuple[str, str]:
    """The task's status and its finish time (ISO, or "None"), asked of the site's queue
    in a process of its own, as another machine would ask."""
    words = subprocess.run(
        [
            sys.executable,
            "-m",
            "ensemble",
            "shell",
            "-c",
            "from django.tasks import default_task_backend as queue;"
            f"r = queue.get_result({task_id!r});"
            "print(r.status, r.finished_at.isoformat() if r.finished_at else None)",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    return words[-2], words[-1]


class Served:
    def __init__(self, folder: Path, *args: str, **settings: str) -> None:
        self.port = free_port()
        self.folder = folder
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ensemble.settings",
            "DEBUG": "false",
            "SECRET_KEY": "served-test-" + "k" * 40,
            "VAR_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder}/served.sqlite3",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "EMAIL_URL": "console://",
            "PORT": str(self.port),
            "ENSEMBLE_DEMO": "0",
            # Local files, also in a run that keeps the tests' files in S3: these tests
            # look at the folders; a test that wants a bucket says so.
            "STORAGE_URL": "",
            **settings,
        }
        if self.env.get("TASKS_BACKEND") == "rq":  # the run's queue is on Redis
            self.env["REDIS_URL"] = redisserver.database_of_a_site(self.env["REDIS_URL"])
        self.log = folder / "console.log"
        with self.log.open("wb") as console:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ensemble", "serve", *args],
                env=self.env,
                start_new_session=True,
                stdout=console,
                stderr=subprocess.STDOUT,
            )

    def get(self, path: str, timeout: float = 1.0) -> tuple[int, float]:
        """GET `path`: its status and how long it took (status 0 when it did not answer)."""
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status, time.monotonic() - started
        except (OSError, http.client.HTTPException):
            return 0, time.monotonic() - started
        finally:
            connection.close()

    def wait_until_up(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while self.get("/healthz", timeout=2)[0] != 200:
            assert self.process.poll() is None, self.console()
            assert time.monotonic() < deadline, self.console()
            time.sleep(0.3)

    def ensemble(self, *args: str) -> str:
        """Run another `ensemble` command on the same database and folders."""
        return subprocess.run(
            [sys.executable, "-m", "ensemble", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout

    def enqueue_email(self) -> str:
        """Queue an email as the site would; returns the task's id."""
        return self.ensemble(
            "shell",
            "-c",
            "from ensemble.core.tasks import send_email;"
            "print(send_email.enqueue(to=['x@example.org'], subject='Hi', body='hello').id)",
        ).split()[-1]

    def task_status(self, task_id: str) -> str:
        """Where a task stands, asked of whichever queue the site runs (database or Redis)."""
        return task_status(self.env, task_id)

    def task_finished_at(self, task_id: str) -> dt.datetime | None:
        return task_finished_at(self.env, task_id)

    def console(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        for pid in [*descendants(self.process.pid), self.process.pid]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
