"""`ensemble worker`: run background tasks (emails, media processing).

A thin wrapper over django-tasks-db's worker that never autoreloads (with DEBUG on, its
reloader hangs after --max-tasks), or, with TASKS_BACKEND=rq, over rq's
(core.redisqueue). By default it takes tasks of every queue; `--queue media` takes only
the long work on files (processing, exports) and `--queue default` the rest, so that a
transcode never delays an email (`ensemble serve` runs one of each).
Run several on other machines to scale out. Its logging is settings.LOGGING's: one line
per task, and only failed or slow tasks at INFO (ensemble/core/tasklog.py).

It also runs the *sweepers* that apps register in `core.sweepers`: periodic checks
that recover work a killed worker left behind (records requeues versions whose
processing stopped sending heartbeats, and removes what a killed upload or transcode left
on disk).
"""

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django_tasks_db.management.commands import db_worker

from ensemble.core import redisqueue, sweepers


class _DbWorker(db_worker.Command):
    def configure_logging(self, verbosity: int) -> None:
        """Keep the levels of settings.LOGGING, which db_worker's own would override,
        putting its start-up and every task's start and end at INFO whatever LOG_LEVEL
        says."""


def _sweep_forever(stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        sweepers.run_all()
        close_old_connections()
        stop.wait(every)


class Command(BaseCommand):
    help = "Run the background task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--queue",
            choices=("all", "default", "media"),
            default="all",
            help="Which tasks: media (processing files, exports), default (the rest), or all.",
        )
        parser.add_argument(
            "--sweep-every",
            type=float,
            # Checking less often than a job is declared stalled would only delay its retry.
            default=min(30.0, settings.PROCESSING_STALL_SECONDS / 2),
            help="Seconds between checks for work a killed worker left behind.",
        )

    def handle(
        self,
        *args: Any,
        batch: bool,
        max_tasks: int | None,
        sweep_every: float,
        queue: str,
        **options: Any,
    ) -> None:
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever, args=(stop, sweep_every), name="sweeper", daemon=True
        )
        sweeper.start()
        try:
            if redisqueue.in_use():
                names = settings.TASK_QUEUES if queue == "all" else [queue]
                redisqueue.run_worker(names, batch=batch, max_tasks=max_tasks)
            else:
                extra = {"max_tasks": max_tasks} if max_tasks else {}
                call_command(
                    _DbWorker(),
                    queue_name="*" if queue == "all" else queue,
                    reload=False,
                    batch=batch,
                    interval=1,
                    verbosity=options["verbosity"],
                    **extra,
                )
        finally:
            stop.set()
