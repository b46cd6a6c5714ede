"""`ensemble moderators list | grant NAME… | revoke NAME…`: who moderates.

The same permission (`moderation.moderate`) an operator can give in Django's admin or
through a group; this is the way without a browser. Each change is on the moderation
log, by nobody (an operator at the server)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ensemble.accounts.models import User
from ensemble.moderation import members, services


class Command(BaseCommand):
    help = "List, grant or revoke the moderator role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "grant", "revoke"])
        parser.add_argument("usernames", nargs="*", metavar="USERNAME")

    def handle(self, *args: Any, action: str, usernames: list[str], **options: Any) -> None:
        if action == "list":
            for user in services.moderators():
                self.stdout.write(f"{user.username}{' (superuser)' if user.is_superuser else ''}")
            return
        if not usernames:
            raise CommandError(f"Name the members to {action}: ensemble moderators {action} NAME")
        found = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
        missing = [name for name in usernames if name.lower() not in found]
        if missing:  # nothing changed: all or none
            raise CommandError(f"No such member: {', '.join(missing)}.")
        for user in found.values():
            before = members.standing(user)
            (services.grant if action == "grant" else services.revoke)(user)
            members.log_operator_change(user, before, by=None, where="with ensemble moderators")
            done = "is a moderator now" if action == "grant" else "is no longer a moderator"
            self.stdout.write(f"{user.username} {done}.")
