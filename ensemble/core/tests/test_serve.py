"""`ensemble serve` (what `make run` runs): web server and worker start and stop together,
links follow the port it serves on, and its console stays readable."""

from __future__ import annotations

import email
import email.policy
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO

import pytest

from ensemble.core import redisserver
from ensemble.core.tests.serving import task_status

pytestmark = pytest.mark.slow  # starts `ensemble serve` (web and worker processes)


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
    if env.get("TASKS_BACKEND") == "rq":  # the run's queue is on Redis: one of its own
        env["REDIS_URL"] = redisserver.database_of_a_site(env["REDIS_URL"])
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
    task_id = _ensemble(
        env,
        "shell",
        "-c",
        "from ensemble.core.tasks import send_email;"
        "print(send_email.enqueue(to=['x@example.org'], subject='hi', body='hello').id)",
    ).split()[-1]
    deadline = time.monotonic() + 90  # generous: CI machines can be busy
    status = ""
    while time.monotonic() < deadline and status != "SUCCESSFUL":
        status = task_status(env, task_id)
        time.sleep(0.5)
    assert status == "SUCCESSFUL"

    children = _descendants(process.pid)
    assert len(children) >= 3  # granian, its worker process, the task worker
    for pid in children:  # each with malloc's arenas bounded (serve.py says why)
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert b"MALLOC_ARENA_MAX=2" in environ

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


class Console:
    """A child's output, read line by line as it comes (a thread drains the pipe)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, seconds: float) -> int:
        """The index of the first line containing `text`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for index, line in enumerate(list(self.lines)):
                if text in line:
                    return index
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never came; the console said:\n" + "\n".join(self.lines))


@pytest.fixture
def developing(tmp_path: Path):
    """`make run` as a newcomer types it, on another port: DEBUG on, no SITE_URL, no
    EMAIL_URL (the test settings' own values are taken out of the environment)."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_URL", "EMAIL_URL", "HOST", "SECRET_KEY", "LOG_LEVEL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "ensemble.settings",
        "DEBUG": "true",
        "ENSEMBLE_DEMO": "0",  # the demo's own test builds it; here it would take a minute
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/dev.sqlite3",
        "PORT": str(port),
        "WEB_WORKERS": "1",
    }
    if env.get("TASKS_BACKEND") == "rq":  # the run's queue is on Redis: one of its own
        env["REDIS_URL"] = redisserver.database_of_a_site(env["REDIS_URL"])
    process = subprocess.Popen(
        [sys.executable, "-m", "ensemble", "serve"],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process, Console(process), env, port
    for pid in _descendants(process.pid) | {process.pid}:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def _sign_up(site: str, username: str) -> urllib.request.OpenerDirector:
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(f"{site}/accounts/signup/") as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "username": username,
        "email": f"{username}@example.org",
        "password": "a long pass phrase 1",
    }
    request = urllib.request.Request(  # noqa: S310 - the local test server
        f"{site}/accounts/signup/", data=urllib.parse.urlencode(form).encode()
    )
    with browser.open(request) as response:
        assert response.status == 200
    return browser


def test_make_run_on_another_port_links_there_and_writes_readable_mail(developing):
    process, console, env, port = developing
    site = f"http://127.0.0.1:{port}"
    announced = console.wait_for(f"Ensemble is running on {site}/", 90)
    # The address is said last: after the web server's own start-up lines.
    assert announced > console.wait_for("Listening at", 1)
    assert console.wait_for(f"Emails go to {env['VAR_DIR']}/mail/", 1) > announced

    browser = _sign_up(site, "newcomer")
    # The worker sends the verification email: one readable file, and the link, whole,
    # on the console.
    console.wait_for("Email to newcomer@example.org", 90)
    [eml] = (Path(env["VAR_DIR"]) / "mail").glob("*.eml")
    raw = eml.read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(rf"{re.escape(site)}/accounts/verify/\S+/", body)
    assert link, body
    assert link.group().encode() in raw  # as written: no quoted-printable breaks
    assert f"    link: {link.group()}" in console.lines
    with browser.open(link.group()) as response:
        assert "Your email address is verified" in response.read().decode()

    # The event-mode short link and its QR code lead here too.
    code = _ensemble(
        env,
        "shell",
        "-c",
        "from ensemble.accounts.testing import make_user;"
        "from ensemble.projects.testing import make_project, make_call;"
        "from ensemble.projects.events import set_event_mode;"
        "owner = make_user('producer'); call = make_call(make_project(owner));"
        "set_event_mode(call, by=owner, on=True); print(call.event_code)",
    ).split()[-1]
    qr = _wait_for(f"{site}/e/{code}/qr.svg", 10).decode()
    assert f"QR code for {site}/e/{code}" in qr

    # Each task is logged once at most, and a quick one that worked not at all.
    assert not [line for line in console.lines if "Task id=" in line or "ensemble.tasks" in line]
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    assert process.returncode == 0
