"""`ensemble serve`: the whole site in one command (web server and task worker).

Prepares the database and static files (fast when nothing changed), then runs granian
(WSGI, a production-grade server) and two task workers as child processes (one for long
work on files, one for everything else, so a transcode never delays an email), and keeps
them running: a child that dies (a video that made the worker run out of memory, a `kill -9`)
is started again after a back-off that doubles from 1 s to a minute, and the site keeps
answering meanwhile. Only Ctrl-C or SIGTERM stops everything. The one exception is a web
server that never came up (its port taken, say): that stops the command with its exit code,
since starting it again would only hide the mistake.

The children run in process groups of their own, so a Ctrl-C in the terminal reaches
only this command, which then asks each child to stop exactly once. (When the terminal's
SIGINT also reached granian's workers directly, granian could leave a worker running
after its main process was gone.)

The children are told the address actually used (HOST, PORT), so that without SITE_URL
their links lead where the site listens. The site's address and, while DEBUG is on, the
demo accounts are printed last, once the web server answers, where they cannot scroll
away under the start-up's output.
"""

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ensemble.core import dbstats
from ensemble.core.env import WILDCARD_HOSTS, listen_url


class Command(BaseCommand):
    help = "Serve Ensemble: web server and task worker, started and stopped together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument(
            "--reload", action="store_true", help="Restart on code changes (development)."
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Serve pages only; run workers elsewhere."
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        reload: bool,
        no_worker: bool,
        **options: Any,
    ) -> None:
        self.prepare()
        # Before the children read their settings: links follow --host and --port too.
        env = {**os.environ, "HOST": host, "PORT": str(port)}
        # glibc gives each thread that allocates its own malloc arena (up to 8 per core);
        # with WEB_THREADS threads a web process then keeps 10-15 MB more heap (make soak,
        # docs/benchmarks.md). Two arenas are enough: the GIL serialises most allocations.
        env.setdefault("MALLOC_ARENA_MAX", "2")
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(settings.VAR_DIR / "metrics"))
        self.fresh_metrics(Path(env["PROMETHEUS_MULTIPROC_DIR"]))
        site = settings.SITE_URL if settings.SITE_URL_IS_SET else listen_url(host, port)
        starters = {"web": lambda: self.start_web(host, port, workers, reload, env)}
        if not no_worker:  # one for quick tasks, one for long work on files
            starters["worker"] = lambda: self.start_worker(env, "default")
            starters["media worker"] = lambda: self.start_worker(env, "media")
        children = {name: _Child(name, start) for name, start in starters.items()}
        for child in children.values():
            child.start()

        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        announced = False
        announce_by = time.monotonic() + 60  # announce anyway if the site is this slow
        while not stopping:
            for child in children.values():
                code = child.exited()
                if code is None:
                    continue
                if child.name == "web" and not announced:
                    self.stderr.write(f"The web server did not start ({code}).")
                    exit_code = code or 1
                    stopping = True
                    break
                delay = child.schedule_restart()
                self.stderr.write(
                    f"The {child.name} process exited ({code}); starting it again in {delay:g} s."
                )
            for child in children.values():
                if not stopping and child.due():
                    self.stderr.write(f"Starting the {child.name} process again.")
                    child.start()
            if not announced and not stopping:
                answered = self.answers(host, port, site)
                if answered or time.monotonic() > announce_by:
                    self.announce(host, port, site)
                    announced = True
            time.sleep(0.2)
        self.shutdown({c.name: c.process for c in children.values() if c.process is not None})
        if exit_code:
            sys.exit(exit_code)

    def prepare(self) -> None:
        settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if settings.DEMO_ON_EMPTY:  # ENSEMBLE_DEMO: the demo, into an empty database only
            call_command("demo", if_empty=True)
        dbstats.refresh_statistics()  # after migrations and the demo: their indexes too

    def fresh_metrics(self, folder: Path) -> None:
        """The web processes' shared metrics (core/metrics.py) start from zero, as
        Prometheus expects of a restarted target."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def answers(self, host: str, port: int, site: str) -> bool:
        """Whether the web server answers yet (with anything: it is up)."""
        address = "127.0.0.1" if host in WILDCARD_HOSTS else host
        connection = http.client.HTTPConnection(address, port, timeout=2)
        try:
            # Asked for by the site's own name, which ALLOWED_HOSTS lets in.
            connection.request("GET", "/healthz", headers={"Host": urlsplit(site).netloc})
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()
        return True

    def announce(self, host: str, port: int, site: str) -> None:
        """The last lines of the start-up: where the site is, and how to sign in."""
        listening = f"{host}:{port}"
        where = "" if urlsplit(site).netloc == listening else f"listening on {listening}; "
        self.stdout.write(
            self.style.SUCCESS(f"Ensemble is running on {site}/") + f" ({where}Ctrl-C stops it)"
        )
        mailer = settings.MAILERS["default"]
        if mailer["BACKEND"] == "ensemble.core.mail.FolderEmailBackend":
            self.stdout.write(f"Emails go to {mailer['OPTIONS']['folder']}/ (one .eml file each).")
        if settings.DEBUG:  # as on the home page; in production they stay out of the logs
            call_command("demo", accounts=True, stdout=self.stdout)

    def start_web(
        self, host: str, port: int, workers: int, reload: bool, env: dict[str, str]
    ) -> subprocess.Popen[bytes]:
        command = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            # granian's default of 256 threads per worker costs 30-50 % throughput and
            # bloats p99 (docs/benchmarks.md); four would keep both cores busy, and the
            # rest are for requests whose bodies are still arriving (core/arrival.py).
            "--blocking-threads",
            str(settings.WEB_THREADS),
            # Bodies are timed by core/arrival.py; headers granian times itself.
            "--http1-header-read-timeout",
            str(settings.REQUEST_HEADER_TIMEOUT * 1000),
            "--workers-kill-timeout",
            "10",
            # A web process killed mid-request (out of memory, say) is replaced.
            "--respawn-failed-workers",
            "--respawn-interval",
            "1",
            "--no-ws",
        ]
        if reload:
            command += ["--reload", "--reload-paths", str(settings.BASE_DIR / "ensemble")]
        command.append("ensemble.wsgi:application")
        return self.spawn(command, env)

    def start_worker(self, env: dict[str, str], queue: str) -> subprocess.Popen[bytes]:
        return self.spawn([sys.executable, "-m", "ensemble", "worker", "--queue", queue], env)

    def spawn(self, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=env, process_group=0)  # noqa: S603

    def shutdown(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        self.stdout.write("Stopping…")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                # The whole group: granian's own workers must not outlive it.
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.stdout.write("Stopped.")


class _Child:
    """One supervised child process, and when it may be started again."""

    BACKOFF_FIRST = 1.0
    BACKOFF_MAX = 60.0
    HEALTHY_AFTER = 60.0  # a child that ran this long starts its back-off afresh

    def __init__(self, name: str, start: Callable[[], subprocess.Popen[bytes]]) -> None:
        self.name = name
        self._start = start
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.failures = 0
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = self._start()
        self.started_at = time.monotonic()
        self.restart_at = None

    def exited(self) -> int | None:
        """The exit code of a child that has just died (once), or None."""
        if self.process is None or self.process.poll() is None:
            return None
        code = self.process.returncode
        # Whatever it started goes too: granian's workers must not keep the port.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None
        return code

    def schedule_restart(self) -> float:
        if time.monotonic() - self.started_at > self.HEALTHY_AFTER:
            self.failures = 0
        delay = min(self.BACKOFF_MAX, self.BACKOFF_FIRST * 2**self.failures)
        self.failures += 1
        self.restart_at = time.monotonic() + delay
        return delay

    def due(self) -> bool:
        return self.restart_at is not None and time.monotonic() >= self.restart_at
