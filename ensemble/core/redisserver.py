"""A redis-server of the tests' own, on a free port of 127.0.0.1.

For the tests of Redis as Django's cache, and for the runs that put the task queue on
Redis (ENSEMBLE_TEST_TASKS=rq, the PostgreSQL half of `.ci/run`): there
`ensemble.test_settings` starts one server for the run and hands its address to the
processes the tests start, through the environment. A server of our own, not the one
the machine may run: two runs side by side (CI runs two) must not share queues.
`bin/ensure-redis` installs redis-server where it is missing.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

from ensemble.core.s3server import die_with_parent

# Its numbered databases: 0 holds the run's queues under ENSEMBLE_TEST_TASKS=rq; each
# site a test serves (ensemble.core.tests.serving) takes one of its own from SITE_DBS,
# for queued jobs of one site must never reach another's worker; and two for the tests
# that ask for Redis whatever the run (the `rq_tasks` fixture, Redis as the cache).
DATABASES = 1000
SITE_DBS = range(1, 990)
DB_FOR_RQ_TESTS = 998
DB_FOR_CACHE_TESTS = 999


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server is missing: `apt-get install redis-server`.")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--dir", str(self.folder), "--databases", str(DATABASES)]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, stdout=subprocess.DEVNULL, preexec_fn=die_with_parent
        )
        client = redis.Redis.from_url(self.url())
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the test redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def start_for_session(folder: Path) -> str:
    """Start a server for this test run, or reuse the one a parent process started;
    returns its address (database 0). It stops when the process that started it exits."""
    known = os.environ.get("ENSEMBLE_TEST_REDIS_URL")
    if known:
        return known
    server = RedisServer(folder).start()
    atexit.register(server.stop)
    url = server.url()
    os.environ["ENSEMBLE_TEST_REDIS_URL"] = url
    return url


def with_database(url: str, db: int) -> str:
    """The same server's address, another of its numbered databases."""
    return f"{url.rsplit('/', 1)[0]}/{db}"


_sites = itertools.cycle(SITE_DBS)


def database_of_a_site(url: str) -> str:
    """A numbered database of the server for a site a test serves, emptied first."""
    url = with_database(url, next(_sites))
    redis.Redis.from_url(url).flushdb()
    return url
