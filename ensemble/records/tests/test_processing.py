"""Processing: states, heartbeats, retries, and a worker killed in the middle of a job."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from ensemble.core import sweepers
from ensemble.core.testing import run_on_commit_callbacks
from ensemble.records import processing
from ensemble.records.media.base import MediaError
from ensemble.records.models import Version
from ensemble.records.testing import make_record
from ensemble.records.tests.workers import manage, site_env, start_worker

pytestmark = pytest.mark.django_db


def test_upload_then_processing_moves_through_the_states(alice, tasks):
    record = make_record(alice, process=False)
    version = record.versions.get()
    assert version.state == "uploaded"
    assert record.current_version is None
    tasks()
    version.refresh_from_db()
    record.refresh_from_db()
    assert version.state == "ready"
    assert version.progress == 100
    assert version.attempts == 1
    assert record.current_version == version
    assert {r.role for r in version.renditions.all()} >= {"thumb_small", "thumb_large"}


def test_a_version_is_claimed_by_one_worker_only(alice):
    version = make_record(alice, process=False).versions.get()
    stale = timedelta(seconds=60)
    assert Version.claim(version.pk, stale_after=stale)
    assert not Version.claim(version.pk, stale_after=stale)  # someone has it, heart beating


def test_a_stalled_version_is_requeued_and_finished_by_the_next_worker(alice, tasks, settings):
    version = make_record(alice, process=False).versions.get()
    run_on_commit_callbacks()
    assert Version.claim(version.pk, stale_after=timedelta(seconds=60))  # then "killed"
    tasks()  # the queued task finds it taken and leaves it
    version.refresh_from_db()
    assert version.state == "processing"

    later = timezone.now() + timedelta(seconds=settings.PROCESSING_STALL_SECONDS + 1)
    Version.objects.filter(pk=version.pk).update(heartbeat_at=later - timedelta(days=1))
    assert sweepers.run_all()["records.requeue_stalled"] == 1
    tasks()
    version.refresh_from_db()
    assert version.state == "ready"
    assert version.attempts == 2


def test_nothing_is_requeued_when_nothing_stalled(alice, tasks):
    make_record(alice)
    assert processing.requeue_stalled() == 0


def test_a_version_that_keeps_killing_its_worker_fails_with_a_reason(alice, tasks):
    version = make_record(alice, process=False).versions.get()
    run_on_commit_callbacks()
    Version.objects.filter(pk=version.pk).update(attempts=Version.MAX_ATTEMPTS)
    tasks()
    version.refresh_from_db()
    assert version.state == "failed"
    assert "stopped before finishing" in version.failure_reason
    notification = alice.notifications.get()
    assert notification.kind == "processing_failed"


def test_a_bug_in_a_processor_fails_the_version_instead_of_leaving_it_stuck(
    alice, tasks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    record = make_record(alice, process=False)
    monkeypatch.setattr(
        processing, "processor_for", lambda kind: type("P", (), {"process": broken})
    )
    tasks()
    version = record.versions.get()
    assert version.state == "failed"
    assert version.failure_reason == processing.INTERNAL_FAILURE
    assert "Processing version" in caplog.text


def test_a_media_error_becomes_the_failure_reason(alice, tasks, monkeypatch):
    def refuses(*args, **kwargs):
        raise MediaError("The audio is damaged and could not be decoded.")

    record = make_record(alice, process=False)
    monkeypatch.setattr(
        processing, "processor_for", lambda kind: type("P", (), {"process": refuses})
    )
    tasks()
    version = record.versions.get()
    assert version.state == "failed"
    assert version.failure_reason == "The audio is damaged and could not be decoded."
    record.refresh_from_db()
    assert record.current_version is None


def test_a_new_version_becomes_current_only_when_ready(alice, tasks):
    from ensemble.core.testing import image_bytes
    from ensemble.records import services
    from ensemble.records.testing import upload

    record = make_record(alice)
    first = record.current_version
    second = services.add_version(
        record, by=alice, upload=upload(image_bytes(color="navy"), "b.png"), change_note="Bluer"
    )
    record.refresh_from_db()
    assert record.current_version == first
    tasks()
    record.refresh_from_db()
    assert record.current_version == second
    assert second.number == 2


# A worker process really killed with SIGKILL mid-transcode, and a second worker that
# picks the job up once the first one's heartbeat has stopped. Runs on its own SQLite
# file (the test database is in memory), through the real `manage.py worker`.


def _version_row(db: Path) -> tuple[str, int]:
    with sqlite3.connect(db, timeout=20) as conn:
        row = conn.execute("select state, attempts from records_version").fetchone()
    return row or ("", 0)


def _wait_for(db: Path, state: str, timeout: float) -> tuple[str, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _version_row(db)
        if row[0] == state:
            return row
        time.sleep(0.2)
    raise AssertionError(f"version never reached {state!r}; it is {_version_row(db)}")


@pytest.mark.slow  # starts two workers and waits out the stalled heartbeat
@pytest.mark.django_db(transaction=False)
def test_a_worker_killed_mid_job_does_not_lose_the_job(tmp_path):
    var_dir = tmp_path / "var"
    env = site_env(var_dir)
    manage(env, "migrate", "-v", "0")
    script = (
        "from pathlib import Path\n"
        "from ensemble.accounts.testing import make_user\n"
        "from ensemble.records.tests.samples.av import write_video\n"
        "from ensemble.records import services\n"
        "from django.core.files import File\n"
        f"path = write_video(Path({str(tmp_path)!r}) / 'long.mkv', seconds=60, size=(640, 480),"
        " fps=25, codec='mpeg4', container='mkv')\n"
        "with path.open('rb') as f:\n"
        "    services.create_record(make_user('alice'), title='Long', upload=File(f, 'long.mkv'))\n"
    )
    manage(env, "shell", "-c", script)
    db = var_dir / "db.sqlite3"

    first = start_worker(env)
    try:
        _wait_for(db, "processing", timeout=60)
        time.sleep(0.3)  # into the transcode (60 s of video takes several seconds)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert _version_row(db)[0] == "processing"  # left behind, heartbeat about to go stale

    second = start_worker(env)
    try:
        _state, attempts = _wait_for(db, "ready", timeout=120)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    assert attempts == 2
