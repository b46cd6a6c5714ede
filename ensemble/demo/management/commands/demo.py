"""`ensemble demo`: build the Turnip Head story into an empty database (ensemble.demo)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ensemble.accounts.models import User
from ensemble.demo.story import build


class Command(BaseCommand):
    help = "Build the demo (the Turnip Head production, media generated) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing (and succeed) when the database already has members.",
        )  # fmt: skip

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        members = User.objects.count()
        if members:
            if if_empty:
                self.stdout.write(f"The database has {members:,} members: no demo added.")
                return
            raise CommandError(
                f"The database already has {members:,} members. The demo is built into an "
                "empty database only, so it never mixes with real work: start from a new "
                "DATABASE_URL, or another VAR_DIR for the embedded database (var/ by default)."
            )
        started = time.perf_counter()
        self.stdout.write("Building the demo: the Turnip Head production, media generated now.")
        passwords = build(progress=lambda line: self.stdout.write(f"  {line}")
                      if not line.endswith("…") else None)  # fmt: skip
        self.stdout.write(self.style.SUCCESS(
            f"Demo built in {time.perf_counter() - started:.0f} s."))  # fmt: skip
        # Asked for by hand, or while DEBUG is on: say the passwords. Started by
        # `ensemble serve` in production (ENSEMBLE_DEMO, DEBUG off), keep them out of its
        # logs: the home page shows them only with DEBUG on, too.
        if settings.DEBUG or not if_empty:
            self.stdout.write("Sign in as:")
            for username, password in passwords.items():
                self.stdout.write(f"  {username:<8} {password}")
            if settings.DEBUG:
                self.stdout.write("The home page shows these while DEBUG is on.")
        else:
            self.stdout.write(f"{len(passwords)} demo accounts made; their passwords "
                              "show on the home page while DEBUG is on.")  # fmt: skip
