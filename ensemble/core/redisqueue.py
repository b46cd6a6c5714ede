"""The task queue on Redis (TASKS_BACKEND=rq), beside the database queue, the default.

With TASKS_BACKEND=rq, django-tasks-rq puts each task on an rq queue in the Redis that
REDIS_URL names (settings.RQ_QUEUES: `default` and `media`, as the database queue has)
and `ensemble worker` runs the worker below instead of django-tasks-db's. Nothing else
changes: tasks are enqueued once their transaction commits either way, and the work they
do is recovered by our own sweepers, not by the queue (records.processing finds a
version whose worker stopped sending heartbeats, whichever queue carried it).

The worker runs each job in its own process, one at a time, as django-tasks-db's does
(rq's SimpleWorker: no fork per job, so database connections and the bucket's clients
are kept between jobs and never shared with a child).
"""

from __future__ import annotations

import logging
from typing import Any

import django_rq
import django_rq.queues
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_rq.backend import Job
from rq import SimpleWorker
from rq.job_lifecycle import call_exception_handlers
from rq.registry import StartedJobRegistry
from rq.timeouts import TimerDeathPenalty

BACKEND = "django_tasks_rq.RQBackend"


def in_use() -> bool:
    return bool(settings.TASKS["default"]["BACKEND"] == BACKEND)


class Worker(SimpleWorker):
    """rq's in-process worker, closing database connections that went stale between
    jobs (as Django does between requests; not in tests, where that connection holds
    the test's transaction)."""

    closes_connections = True

    def subscribe(self) -> None:
        """Not rq's channel for remote commands (stop a worker, kill a job): workers are
        stopped by signals here (`ensemble serve`, systemd). Its listening thread also
        held up every worker's exit for up to a minute: rq asks it to stop, and redis-py
        then waits out its minute-long poll."""

    def unsubscribe(self) -> None:
        """Nothing to leave (see `subscribe`)."""

    def handle_exception(self, job: Any, *exc_info: Any) -> None:
        """What rq does with a failed job, less its log line: core.tasklog logs the
        failure once, with its traceback (django-tasks-rq sends `task_finished`)."""
        call_exception_handlers(self._exc_handlers, job, *exc_info)

    def execute_job(self, job: Any, queue: Any) -> None:
        if self.closes_connections:
            close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            if self.closes_connections:
                close_old_connections()


class TestWorker(Worker):
    """The worker of `core.testing.run_tasks`: in the test's own transaction (its
    connection is never closed), and in any thread (a browser test runs tasks beside the
    live server): no signal handlers, job time limits kept by a timer."""

    closes_connections = False
    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        """Signals stay the test runner's."""


def worker(queue_names: list[str], name: str | None = None, *, in_tests: bool = False) -> Worker:
    queues = django_rq.queues.get_queues(*queue_names, job_class=Job)
    return (TestWorker if in_tests else Worker)(
        queues,
        name=name,
        connection=queues[0].connection,
        job_class=Job,
        log_job_description=False,
    )


def run_worker(queue_names: list[str], *, batch: bool, max_tasks: int | None) -> None:
    """Take tasks of these queues until stopped (SIGTERM or SIGINT: the job at hand is
    finished first), or until the queues are empty (`batch`), or after `max_tasks`."""
    level = "DEBUG" if settings.LOG_LEVEL == "DEBUG" else "WARNING"
    logging.getLogger("rq.job").setLevel(level)
    worker(queue_names).work(burst=batch, max_jobs=max_tasks, logging_level=level)


def waiting() -> tuple[int, float]:
    """How many tasks wait in every queue, and how long the oldest has waited (s)."""
    count, oldest = 0, None
    for queue in django_rq.queues.get_queues(*settings.TASK_QUEUES, job_class=Job):
        count += queue.count
        for job in queue.get_jobs(0, 1):  # none when it was taken meanwhile
            if job.enqueued_at is not None:
                oldest = job.enqueued_at if oldest is None else min(oldest, job.enqueued_at)
    return count, (timezone.now() - oldest).total_seconds() if oldest else 0.0


def running() -> int:
    """How many tasks workers have taken and not finished."""
    total = 0
    for queue in django_rq.queues.get_queues(*settings.TASK_QUEUES, job_class=Job):
        total += StartedJobRegistry(queue=queue).count
    return total
