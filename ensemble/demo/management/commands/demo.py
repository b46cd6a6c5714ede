"""`ensemble demo`: build the Turnip Head story into an empty database (ensemble.demo)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ensemble.accounts.models import User
from ensemble.demo.models import DemoAccount
from ensemble.demo.story import build


class Command(BaseCommand):
    help = "Build the demo (the Turnip Head production, media generated) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already has members.",
        )
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="Only list the demo accounts and their passwords (`ensemble serve` does, "
            "while DEBUG is on).",
        )

    def handle(self, *args: Any, if_empty: bool, accounts: bool, **options: Any) -> None:
        if accounts:
            self.list_accounts()
            return
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
        passwords = build(
            progress=lambda line: self.stdout.write(f"  {line}") if not line.endswith("…") else None
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo built in {time.perf_counter() - started:.0f} s.")
        )
        # Asked for by hand: say the passwords. Started by `ensemble serve` (--if-empty),
        # leave them to it: it prints them last, after its own start-up output, and only
        # while DEBUG is on (in production they stay out of its logs).
        if not if_empty:
            self.stdout.write("Sign in as:")
            for username, password in passwords.items():
                self.stdout.write(f"  {username:<8} {password}")
            if settings.DEBUG:
                self.stdout.write("The home page shows these while DEBUG is on.")
        else:
            self.stdout.write(
                f"{len(passwords)} demo accounts made; their passwords "
                "show on the home page while DEBUG is on."
            )

    def list_accounts(self) -> None:
        demo = list(DemoAccount.objects.select_related("user"))
        if demo:
            self.stdout.write("Demo accounts (shown while DEBUG is on):")
            for account in demo:
                self.stdout.write(
                    f"  {account.user.username:<8} {account.password}   {account.role}"
                )
