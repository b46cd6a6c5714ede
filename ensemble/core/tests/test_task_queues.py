"""The task queue in the database (the default) and on Redis (TASKS_BACKEND=rq): the same
work goes through either, long work on files apart from the rest, and a failure is kept
with its error. Redis is a real redis-server of the run's own."""

from __future__ import annotations

import os
import subprocess
import sys

import django_rq
import pytest
from django.core import mail
from django.db import transaction
from django.tasks import default_task_backend, task
from django.tasks.base import TaskResultStatus

from ensemble.core.emails import queue_email
from ensemble.core.testing import run_on_commit_callbacks
from ensemble.records.models import Version
from ensemble.records.testing import make_record

pytestmark = pytest.mark.django_db


@task
def refuse_to_work() -> None:
    raise ValueError("not today")


def test_a_processing_and_an_email_go_through_either_queue(alice, tasks, task_queue):
    make_record(alice, process=False)
    queue_email("alice@example.org", "accounts/email/verify", {"user": alice, "link": "x"})
    assert tasks() == 2
    assert Version.objects.get().state == Version.State.READY
    assert len(mail.outbox) == 1


def test_on_redis_files_and_everything_else_wait_in_queues_of_their_own(alice, rq_tasks):
    make_record(alice, process=False)
    queue_email("alice@example.org", "accounts/email/verify", {"user": alice, "link": "x"})
    run_on_commit_callbacks()
    media, default = django_rq.get_queue("media"), django_rq.get_queue("default")
    assert [job.func_name for job in media.get_jobs()] == [
        "ensemble.records.processing.process_version"
    ]
    assert [job.func_name for job in default.get_jobs()] == ["ensemble.core.tasks.send_email"]


def test_on_redis_a_failed_task_keeps_its_error(rq_tasks, tasks):
    with transaction.atomic():
        result = refuse_to_work.enqueue()
    with pytest.raises(AssertionError, match="not today"):
        tasks()
    kept = default_task_backend.get_result(result.id)
    assert kept.status == TaskResultStatus.FAILED
    assert kept.errors[0].exception_class_path == "builtins.ValueError"


def test_tasks_on_redis_need_its_address():
    env = {**os.environ, "TASKS_BACKEND": "rq", "REDIS_URL": "", "DJANGO_SETTINGS_MODULE": ""}
    env.pop("ENSEMBLE_TEST_TASKS", None)
    started = subprocess.run(
        [sys.executable, "-c", "import ensemble.settings"],
        env={**env, "SECRET_KEY": "k" * 40, "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in started.stderr
