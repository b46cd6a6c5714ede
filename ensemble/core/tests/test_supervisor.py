"""`ensemble serve` keeps the site up when its worker dies: the worker is started again
(with back-off, said on the console), the job it was killed in is retried to the end, and
nothing of the killed attempt stays on disk."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ensemble.core.tests.serving import Served, alive, descendants
from ensemble.records.tests.samples import av as av_samples

pytestmark = pytest.mark.slow  # starts `ensemble serve` and kills its workers


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Served]:
    served = Served(tmp_path, WEB_WORKERS="1", PROCESSING_STALL_SECONDS="5")
    try:
        served.wait_until_up()
        yield served
    finally:
        served.stop()


def _worker(site: Served, queue: str = "media") -> int | None:
    """The worker taking one queue's tasks: media (processing files) by default."""
    found = [
        pid
        for pid, cmd in descendants(site.process.pid).items()
        if "ensemble worker" in cmd and f"--queue {queue}" in cmd
    ]
    return found[0] if found else None


def _upload_film(video: Path) -> str:
    """`ensemble shell -c` code: alice uploads the film, as the site's own process would."""
    return (
        "from django.core.files import File;"
        "from ensemble.accounts.testing import make_user;"
        "from ensemble.records import services;"
        f"upload = File(open({str(video)!r}, 'rb'), name='film.mp4');"
        "services.create_record(make_user('alice'), title='Film', upload=upload)"
    )


def _version(site: Served) -> tuple[str, int, str] | None:
    with sqlite3.connect(site.env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=5) as db:
        row = db.execute("SELECT state, attempts, folder FROM records_version").fetchone()
    return (str(row[0]), int(row[1]), str(row[2])) if row else None


def _ready_at(site: Served) -> dt.datetime | None:
    """When the film's version became ready (UTC), or None while it is not."""
    with sqlite3.connect(site.env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=5) as db:
        row = db.execute("SELECT ready_at FROM records_version").fetchone()
    if row is None or row[0] is None:
        return None
    return dt.datetime.fromisoformat(row[0]).replace(tzinfo=dt.UTC)


def test_killing_the_worker_mid_job_keeps_the_site_up_and_the_job_completes(
    site: Served, tmp_path: Path
) -> None:
    # MPEG-4 Part 2 plays in no browser: the worker transcodes it, which takes a while.
    video = av_samples.write_video(
        tmp_path / "film.mp4", seconds=20, size=(640, 360), fps=25, codec="mpeg4"
    )
    uploading = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ensemble",
            "shell",
            "-c",
            _upload_film(video),
        ],
        env=site.env,
    )
    records = Path(site.env["VAR_DIR"]) / "records"

    # Mid-job: the worker has claimed the version and is writing its renditions.
    deadline = time.monotonic() + 90
    while True:
        version = _version(site)
        if version and version[0] == "processing" and (records / version[2] / "work-1").is_dir():
            break
        assert time.monotonic() < deadline, (version, site.console())
        time.sleep(0.05)
    killed = _worker(site)
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    assert uploading.wait(timeout=60) == 0

    # The site keeps answering while the worker is started again and retries the job.
    deadline = time.monotonic() + 120
    while (version := _version(site)) and version[0] != "ready":
        assert version[0] == "processing", (version, site.console())
        status, took = site.get("/healthz", timeout=2)
        assert status == 200, f"the site stopped answering ({took:.1f} s)"
        assert site.process.poll() is None, site.console()
        assert time.monotonic() < deadline, (version, site.console())
        time.sleep(0.3)
    assert version is not None
    assert version[1] == 2  # the killed attempt, then the one that finished
    console = site.console()
    message = f"The media worker process exited ({-signal.SIGKILL}); starting it again in 1 s."
    assert message in console
    assert _worker(site, "default") is not None  # the other worker was never touched
    restarted = _worker(site)
    assert restarted is not None
    assert restarted != killed
    # The killed attempt's partial renditions went with the retry.
    assert not list((records / version[2]).glob("work-*"))
    assert site.get("/healthz")[0] == 200

    # Its own SIGTERM still stops everything.
    children = descendants(site.process.pid)
    site.process.terminate()
    assert site.process.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if alive(pid)]


def test_a_worker_that_keeps_dying_is_started_again_later_and_later(site: Served) -> None:
    restarts = []
    for _ in range(3):
        deadline = time.monotonic() + 60
        while (pid := _worker(site)) is None or pid in restarts:
            assert time.monotonic() < deadline, site.console()
            time.sleep(0.1)
        restarts.append(pid)
        os.kill(pid, signal.SIGKILL)
        assert site.get("/healthz", timeout=2)[0] == 200
    deadline = time.monotonic() + 5
    while "starting it again in 4 s." not in site.console():
        assert time.monotonic() < deadline, site.console()
        time.sleep(0.1)
    console = site.console()
    for delay in ("1 s", "2 s", "4 s"):
        assert f"starting it again in {delay}." in console, console


def test_a_long_transcode_never_delays_an_email(site: Served, tmp_path: Path) -> None:
    video = av_samples.write_video(
        tmp_path / "film.mp4", seconds=40, size=(640, 360), fps=25, codec="mpeg4"
    )
    site.ensemble(
        "shell",
        "-c",
        _upload_film(video),
    )
    deadline = time.monotonic() + 60
    while (version := _version(site)) is None or version[0] != "processing":
        assert time.monotonic() < deadline, (version, site.console())
        time.sleep(0.1)
    email = site.enqueue_email()
    deadline = time.monotonic() + 30
    while site.task_status(email) != "SUCCESSFUL":
        assert time.monotonic() < deadline, site.console()
        time.sleep(0.1)
    # The email went out while the film was still transcoding, on the other worker: by
    # the times both recorded (asking takes a process start, so "still processing when
    # we looked" would depend on how loaded the machine is).
    sent_at = site.task_finished_at(email)
    assert sent_at is not None
    ready_at = _ready_at(site)
    assert ready_at is None or sent_at < ready_at, (sent_at, ready_at)
