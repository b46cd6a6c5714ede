"""Each task is logged once, when it finishes, and at INFO only if it failed or was slow."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.tasks import task

from ensemble.core.testing import run_tasks


@task
def quick() -> int:
    return 1


@task
def broken() -> None:
    raise ValueError("the mail server is on fire")


def _records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("ensemble.tasks", "django.tasks")]


def test_a_quick_task_is_logged_once_and_only_at_debug(db, caplog):
    caplog.set_level(logging.DEBUG)
    quick.enqueue()
    assert run_tasks() == 1
    [record] = _records(caplog)
    assert record.levelno == logging.DEBUG
    assert "Task ensemble.core.tests.test_task_log.quick took" in record.getMessage()


def test_a_slow_task_is_logged_at_info(db, caplog, settings):
    settings.TASK_SLOW_SECONDS = 0  # every task counts as slow
    caplog.set_level(logging.DEBUG)
    quick.enqueue()
    run_tasks()
    [record] = _records(caplog)
    assert record.levelno == logging.INFO


def test_a_failed_task_is_logged_once_at_error_with_its_traceback(db, caplog):
    caplog.set_level(logging.DEBUG)
    broken.enqueue()
    with pytest.raises(AssertionError, match="broken failed"):  # run_tasks reports it too
        run_tasks()
    [record] = _records(caplog)
    assert record.levelno == logging.ERROR
    assert "Task ensemble.core.tests.test_task_log.broken failed" in record.getMessage()
    assert record.exc_info
    assert "on fire" in str(record.exc_info[1])


@pytest.mark.slow  # starts `ensemble migrate`, `shell` and `worker`
def test_the_worker_console_shows_only_the_failure_once(tmp_path: Path):
    """`ensemble worker` with `make run`'s settings (DEBUG on, where Django adds a console
    handler of its own): five tasks that worked print nothing, the failed one one line."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_URL", "EMAIL_URL", "SECRET_KEY", "LOG_LEVEL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "ensemble.settings",
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/worker.sqlite3",
    }

    def ensemble(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "ensemble", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout + result.stderr

    ensemble("migrate", "--verbosity", "0")
    ensemble(
        "shell",
        "-c",
        "from ensemble.core.tests import test_task_log as t;"
        "[t.quick.enqueue() for _ in range(5)]; t.broken.enqueue()",
    )
    console = ensemble("worker", "--batch")
    assert "state=" not in console  # Django's own lines, two a task
    assert console.count("ValueError: the mail server is on fire") == 1, console
    [line] = [line for line in console.splitlines() if "ERROR" in line]
    assert "ERROR ensemble.tasks: Task ensemble.core.tests.test_task_log.broken failed" in line
    assert "quick" not in console
