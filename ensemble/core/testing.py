"""Helpers for tests: generated media, a synchronous task runner, query plans.

Lives in the package (not in conftest) so every app's tests and the browser tests can
import the same functions. Factories for an app's models live in that app's testing.py.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django_tasks_db.management.commands.db_worker import Worker
from PIL import Image

from ensemble.core import redisqueue


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), color: str = "tomato") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


@contextmanager
def rows_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """Rows a module's tests share, made once inside a transaction rolled back after its
    last test. Each test still runs in a savepoint of its own (pytest-django's `db`), so
    what one test changes the next never sees. For rows that cost more to make than the
    tests reading them: a released production for each of a hundred endpoints. Not for
    tests that run tasks: the first would also run the on-commit callbacks left waiting by
    the shared rows, and the tests after it would not.

        @pytest.fixture(scope="module")
        def world(django_db_setup, django_db_blocker):
            with rows_for_the_module(django_db_blocker):
                yield released_production(...)
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def run_on_commit_callbacks(using: str = DEFAULT_DB_ALIAS) -> int:
    """Run callbacks waiting for a commit that a test's transaction will never make.

    Tests run inside a transaction that is rolled back, so `transaction.on_commit` work
    (like enqueuing tasks) would otherwise never happen.
    """
    connection = connections[using]
    ran = 0
    while connection.run_on_commit:
        callbacks = connection.run_on_commit
        connection.run_on_commit = []
        for entry in callbacks:
            callback = entry[1]  # (savepoint ids, callback, robust)
            callback()
            ran += 1
    return ran


def run_tasks(using: str = DEFAULT_DB_ALIAS) -> int:
    """Run every queued task now, in this process, as the worker would; return the count.

    Uses the worker's own task runner, but not its polling loop: the loop closes "old"
    database connections, which on PostgreSQL would close the test's transaction.
    Repeats until the queue is empty, since tasks may enqueue more tasks.
    """
    from django_tasks_db.models import DBTaskResult

    if redisqueue.in_use():
        return _run_rq_tasks(using)
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        run_on_commit_callbacks(using)
        with transaction.atomic(using=using):  # the row lock needs a transaction
            task_result = DBTaskResult.objects.ready().get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            return ran
        worker.run_task(task_result)
        ran += 1
        task_result.refresh_from_db()
        if task_result.status == "FAILED":
            raise AssertionError(f"Task {task_result.task_path} failed:\n{task_result.traceback}")


def _run_rq_tasks(using: str) -> int:
    """`run_tasks` with the queue on Redis (TASKS_BACKEND=rq): rq's own worker, one job
    at a time, in this process and so in the test's transaction."""
    import django_rq.queues
    from rq.registry import FailedJobRegistry

    queues = django_rq.queues.get_queues(*settings.TASK_QUEUES)
    failed = [FailedJobRegistry(queue=queue) for queue in queues]
    before = sum(registry.count for registry in failed)
    ran = 0
    while True:
        run_on_commit_callbacks(using)
        worker = redisqueue.worker(settings.TASK_QUEUES, name=f"test-worker-{ran}", in_tests=True)
        if not worker.work(burst=True, max_jobs=1, logging_level="WARNING"):
            return ran
        ran += 1
        if sum(registry.count for registry in failed) > before:
            raise AssertionError(_rq_failure(failed))


def _rq_failure(registries: list[Any]) -> str:
    from django_tasks_rq.backend import Job

    for registry in registries:
        for job_id in registry.get_job_ids():
            job = Job.fetch(job_id, connection=registry.connection)
            result = job.latest_result()
            return f"Task {job.func_name} failed:\n{result.exc_string if result else ''}"
    return "A task failed, and rq kept no trace of it."


def query_plan(queryset: Any) -> str:
    """What the database says it would do for `queryset`, as one string to search for an
    index's name (or a sort: SQLite's "TEMP B-TREE", PostgreSQL's "Sort")."""
    connection = connections[queryset.db]
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny test table is cheaper to scan; ask whether the index *can* serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())
