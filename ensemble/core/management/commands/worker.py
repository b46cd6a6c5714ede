"""`ensemble worker`: run background tasks (emails now; media processing later).

A thin wrapper over django-tasks-db's worker that processes every queue and never
autoreloads (with DEBUG on, its reloader hangs after --max-tasks). Run several on other
machines to scale out.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, batch: bool, max_tasks: int | None, **options: Any) -> None:
        extra = {"max_tasks": max_tasks} if max_tasks else {}
        call_command(
            "db_worker",
            queue_name="*",
            reload=False,
            batch=batch,
            interval=1,
            verbosity=options["verbosity"],
            **extra,
        )
