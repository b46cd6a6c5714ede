"""Workers on other machines: two workers with folders of their own and a web process,
sharing nothing but the database and a real S3 server, process a video and an image at
the same time, and leave nothing on any of their disks."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ensemble.core.s3server import with_prefix
from ensemble.core.tests.serving import Served
from ensemble.records.tests.samples import av as av_samples

pytestmark = pytest.mark.slow  # a web process, two workers and a transcode


@pytest.fixture(params=["database", "rq"])
def site(request, tmp_path: Path, s3_url: str, redis_server_url: str) -> Iterator[Served]:
    """The task queue in the database, or on Redis (TASKS_BACKEND=rq)."""
    url = with_prefix(s3_url, f"anywhere-{os.getpid()}-{time.monotonic_ns()}")
    (tmp_path / "web").mkdir()
    served = Served(
        tmp_path / "web",
        "--no-worker",
        WEB_WORKERS="1",
        STORAGE_URL=url,
        TASKS_BACKEND=request.param,
        REDIS_URL=redis_server_url,
    )
    try:
        served.wait_until_up()
        yield served
    finally:
        served.stop()


def start_worker(site: Served, folder: Path) -> subprocess.Popen[bytes]:
    """`ensemble worker` as on another machine: its own VAR_DIR and WORK_DIR."""
    folder.mkdir(parents=True)
    env = {**site.env, "VAR_DIR": str(folder), "WORK_DIR": str(folder / "work")}
    with (folder / "console.log").open("wb") as console:
        return subprocess.Popen(
            [sys.executable, "-m", "ensemble", "worker"],
            env=env,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def versions(site: Served) -> list[tuple[str, str]]:
    with sqlite3.connect(site.env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=5) as db:
        return db.execute("SELECT mime, state FROM records_version ORDER BY id").fetchall()


def workers_of_processing(site: Served) -> list[list[str]]:
    """The workers that ran each processing task, asked of the site's queue."""
    if site.env["TASKS_BACKEND"] == "rq":
        ids = (
            "from django_rq import get_queue; from rq.registry import FinishedJobRegistry;"
            "ids = FinishedJobRegistry(queue=get_queue('media')).get_job_ids();"
        )
    else:
        ids = (
            "from django_tasks_db.models import DBTaskResult;"
            "ids = DBTaskResult.objects.filter(task_path__endswith='process_version')"
            ".order_by('enqueued_at').values_list('id', flat=True);"
        )
    found = site.ensemble(
        "shell",
        "-c",
        "import json;" + ids + "from django.tasks import default_task_backend as queue;"
        "print(json.dumps([queue.get_result(str(i)).worker_ids for i in ids]))",
    )
    return list(json.loads(found.splitlines()[-1]))


def test_two_workers_and_a_web_process_share_only_the_database_and_the_bucket(
    site: Served, tmp_path: Path
) -> None:
    workers = [start_worker(site, tmp_path / name) for name in ("worker-a", "worker-b")]
    try:
        time.sleep(3)  # both waiting for work before any arrives
        # MPEG-4 Part 2 plays in no browser: one worker transcodes it for a while, so the
        # image goes to the other.
        video = av_samples.write_video(
            tmp_path / "film.mp4", seconds=8, size=(640, 360), fps=25, codec="mpeg4"
        )
        upload = (
            "from django.core.files import File;"
            "from django.core.files.base import ContentFile;"
            "from ensemble.accounts.testing import make_user;"
            "from ensemble.core.testing import image_bytes;"
            "from ensemble.records import services;"
            "alice = make_user('alice');"
            f"film = File(open({str(video)!r}, 'rb'), name='film.mp4');"
            "services.create_record(alice, title='Film', upload=film);"
            "sketch = ContentFile(image_bytes(), name='s.png');"
            "services.create_record(alice, title='Sketch', upload=sketch)"
        )
        site.ensemble("shell", "-c", upload)
        deadline = time.monotonic() + 180
        while {state for _mime, state in versions(site)} != {"ready"}:
            assert all(w.poll() is None for w in workers), "a worker stopped"
            assert time.monotonic() < deadline, versions(site)
            time.sleep(0.3)
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

    assert [mime for mime, _state in versions(site)] == ["video/mp4", "image/png"]
    ran_on = workers_of_processing(site)
    assert len(ran_on) == 2
    assert len(ran_on[0]) == len(ran_on[1]) == 1
    assert ran_on[0] != ran_on[1]  # in parallel, one on each worker
    for folder in (tmp_path / "web", tmp_path / "worker-a", tmp_path / "worker-b"):
        assert not (folder / "records").exists()  # every file is in the bucket
        work = folder / "work"
        assert not work.exists() or not any(work.iterdir())  # and none left behind
    listing = site.ensemble(
        "shell",
        "-c",
        "from ensemble.core import filestore; print(len(filestore.records.names()))",
    )
    assert int(listing.split()[-1]) >= 2 + 4  # two originals, and what processing made
