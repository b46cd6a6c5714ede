"""A worker really killed with SIGKILL mid-render, and a second worker that renders the
production again from nothing once the first one's heartbeat has stopped: one version,
one set of sources, nothing half kept. Runs on its own SQLite file, through the real
`manage.py worker`, as records' own killed-worker test does."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from ensemble.records.tests.workers import manage, site_env, start_worker

SETUP = """
from django.core.files.uploadedfile import SimpleUploadedFile
from ensemble.accounts.testing import make_user
from ensemble.demo import media
from ensemble.projects.testing import make_project
from ensemble.records import processing, services as records
from ensemble.timelines import services as timelines
alice = make_user("alice")
walk = records.create_record(alice, title="The walk", upload=SimpleUploadedFile(
    "walk.mp4", media.animation_test(2, seconds=12.0)))
assert processing.run(walk.versions.get().pk) == "ready"
walk.refresh_from_db()
records.publish(walk, by=alice)
timeline = timelines.create(make_project(alice), by=alice, title="The long walk")
cut = {"output": {"width": 1280, "height": 720, "fps": 25}, "video": [
    {"type": "clip", "record": walk.pk, "in": 0, "out": 12},
    {"type": "clip", "record": walk.pk, "in": 0, "out": 12}], "audio": []}
timelines.save(timeline, cut, by=alice, based_on=1)
timelines.start_render(timeline, by=alice, quality="final")
"""


def _render(db: Path) -> tuple[str, int, int]:
    with sqlite3.connect(db, timeout=20) as conn:
        row = conn.execute("select state, attempts, progress from timelines_render").fetchone()
    return row or ("", 0, 0)


def _wait_for(db: Path, ready: object, timeout: float) -> tuple[str, int, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _render(db)
        if ready(row):  # type: ignore[operator]
            return row
        time.sleep(0.1)
    raise AssertionError(f"the render never got there; it is {_render(db)}")


@pytest.mark.slow  # a video processed, two workers, and the stalled heartbeat waited out
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on a SQLite file of its own whatever the suite's database: the SQLite run has it",
)
@pytest.mark.django_db(transaction=False)
def test_a_worker_killed_mid_render_leaves_nothing_and_the_next_one_renders_it(tmp_path):
    var_dir = tmp_path / "var"
    env = site_env(var_dir)
    manage(env, "migrate", "-v", "0")
    manage(env, "shell", "-c", SETUP)
    db = var_dir / "db.sqlite3"

    first = start_worker(env)
    try:
        _wait_for(db, lambda row: row[0] == "rendering" and row[2] > 0, timeout=60)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert _render(db)[0] == "rendering"  # left behind, its heartbeat about to go stale

    second = start_worker(env)
    try:
        state, attempts, _ = _wait_for(db, lambda row: row[0] in ("ready", "failed"), 180)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    assert (state, attempts) == ("ready", 2)
    with sqlite3.connect(db) as conn:
        films = conn.execute("select id from records_record where title = 'The long walk'")
        (film,) = films.fetchall()
        versions = conn.execute("select count(*) from records_version where record_id = ?", film)
        assert versions.fetchone() == (1,)
        sources = conn.execute("select part from lineage_source where derived_id = ?", film)
        assert sources.fetchall() == [("video 1 0:00–0:12; video 2 0:12–0:24",)]
    # The killed worker's folder was swept (no process held it any more).
    assert not list((var_dir / "work").glob("render-*"))
