"""One log line per task, and at INFO only when it needs a look.

Django logs every task twice at INFO, when it starts and when it finishes: the demo's
first start runs some two hundred tasks and those lines buried the site's address and
the demo passwords. Instead each task is logged once, when it finishes: at ERROR with
its traceback when it failed, at INFO when it took at least TASK_SLOW_SECONDS, and at
DEBUG otherwise (LOG_LEVEL=DEBUG shows every task).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.tasks import signals
from django.tasks.base import TaskResult, TaskResultStatus

logger = logging.getLogger("ensemble.tasks")


def log_task_finished(sender: object, task_result: TaskResult, **kwargs: Any) -> None:
    path = task_result.task.module_path
    seconds = (
        (task_result.finished_at - task_result.started_at).total_seconds()
        if task_result.finished_at and task_result.started_at
        else 0.0
    )
    if task_result.status == TaskResultStatus.FAILED:
        # Sent from inside the worker's exception handler, so the traceback is at hand.
        exc_info = sys.exc_info()
        logger.error(
            "Task %s failed after %.1f s (id=%s)",
            path,
            seconds,
            task_result.id,
            exc_info=exc_info if exc_info[0] else None,
        )
    elif seconds >= settings.TASK_SLOW_SECONDS:
        logger.info("Task %s took %.1f s (id=%s)", path, seconds, task_result.id)
    else:
        logger.debug("Task %s took %.1f s (id=%s)", path, seconds, task_result.id)


def connect() -> None:
    """Replace Django's two lines per task by ours (idempotent; called when apps load).

    django-tasks-rq (TASKS_BACKEND=rq) sends the signals of django-tasks, the package
    Django's own tasks came from, so those are taken over too."""
    from django_tasks import signals as rq_signals

    for source in (signals, rq_signals):
        source.task_started.disconnect(source.log_task_started)
        source.task_finished.disconnect(source.log_task_finished)
        source.task_finished.connect(log_task_finished, dispatch_uid="ensemble.tasklog")
