"""What crashes leave on disk is swept: a web process killed mid-upload leaves its partial
file in UPLOAD_TEMP_DIR, removed by the worker's sweeper once stale, while the file of an
upload still arriving is never touched. (A worker killed mid-transcode leaves `work-N`
folders, removed by the retry: test_supervisor.py kills one and finds none left.)"""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from ensemble.core import sweepers
from ensemble.core.tests.serving import Served, descendants

pytestmark = pytest.mark.slow  # starts `ensemble serve` and kills a web process

HOUR = 60 * 60


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Served]:
    served = Served(tmp_path, "--no-worker", WEB_WORKERS="1")
    try:
        served.wait_until_up()
        yield served
    finally:
        served.stop()


def _start_upload(site: Served, token: str) -> socket.socket:
    boundary = b"----partial"
    head = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; '
        b'filename="film.mp4"\r\nContent-Type: video/mp4\r\n\r\n' + b"\1" * 3 * 1024 * 1024
    )
    sock = socket.create_connection(("127.0.0.1", site.port), timeout=10)
    sock.sendall(
        b"POST /api/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\n"
        b"Content-Type: multipart/form-data; boundary=" + boundary + b"\r\n"
        b"Content-Length: 50000000\r\n\r\n" + head
    )
    return sock


def _partial_files(folder: Path, seconds: float = 30) -> list[Path]:
    deadline = time.monotonic() + seconds
    while not (found := [p for p in folder.iterdir() if p.is_file()]):
        assert time.monotonic() < deadline, "the upload never reached the disk"
        time.sleep(0.1)
    return found


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.mark.django_db  # the other sweepers look at the (empty) test database
def test_a_killed_uploads_file_is_swept_and_one_in_progress_is_kept(site: Served) -> None:
    token = site.ensemble(
        "shell",
        "-c",
        "from ensemble.accounts.testing import make_user;"
        "from ensemble.accounts.services import create_access_token;"
        "print(create_access_token(make_user('uploader'), 'script').secret)",
    ).split()[-1]
    uploads = Path(site.env["VAR_DIR"]) / "uploads"

    with override_settings(FILE_UPLOAD_TEMP_DIR=str(uploads), UPLOAD_STALE_SECONDS=HOUR):
        # An upload still arriving: even made to look old, its file is kept (it is locked).
        arriving = _start_upload(site, token)
        [in_progress] = _partial_files(uploads)
        _age(in_progress, 2 * HOUR)
        assert sweepers.remove_stale_uploads() == 0
        assert in_progress.exists()

        # The web process dies mid-upload: the file stays behind, then is swept once stale.
        granian = [p for p, c in descendants(site.process.pid).items() if "-m granian" in c]
        # Its worker process (which receives the upload) is the one below the other.
        [web] = [p for p in granian if any(p in descendants(q) for q in granian)]
        os.kill(web, signal.SIGKILL)
        arriving.close()
        assert in_progress.exists()
        _age(in_progress, HOUR // 2)
        assert sweepers.remove_stale_uploads() == 0  # not stale yet
        _age(in_progress, 2 * HOUR)
        deadline = time.monotonic() + 10  # the kernel drops the lock once the process is gone
        while sweepers.run_all()["core.stale_uploads"] == 0:
            assert time.monotonic() < deadline, "the dead upload's file was never swept"
            time.sleep(0.1)
        assert not [p for p in uploads.iterdir() if p.is_file()]
