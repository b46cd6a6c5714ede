"""Deleting an account (the GDPR's right to erasure), after a grace period.

The member asks with their password, says whether their records stay (credited to "a
former member") or go (tombstones, files removed), and is shown first any money owed to
them: with some owed, they must say they give it up, since a former member cannot be
paid. For ACCOUNT_DELETION_DAYS they can cancel. Then the sweeper erases the account:

1. each app undoes what it holds of the member (registered from its AppConfig.ready()
   with `on_erase`): their hearts and follows, lists, notifications, exports, and their
   records if they chose so;
2. accounts blanks the profile (name, email, bio, avatar, links, skills), removes the
   tokens and blocks, and closes the account: no sign-in, no password, and sessions end
   with it (`is_active` off).

What others rely on stays, anonymous: comments keep their place, credits and ledger
lines name "a former member", payouts stay recorded as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ensemble.accounts import services
from ensemble.accounts.models import Block, User
from ensemble.core import filestore, generations
from ensemble.core.refusals import Refused
from ensemble.notifications.models import Notification
from ensemble.notifications.services import notify

logger = logging.getLogger(__name__)

on_erase: list[Callable[[User, bool], None]] = []  # (member, whether records go too)
money_owed: list[Callable[[User], list[str]]] = []  # sentences: what is owed to them


def owed_to(user: User) -> list[str]:
    return [line for describe in money_owed for line in describe(user)]


def request(user: User, *, password: str, keep_records: bool, give_up_money: bool) -> datetime:
    """Schedule the deletion; the date it will be done. Refused: a wrong password (rate
    limited), one scheduled already, money owed that was not given up."""
    if user.deletion_due_at is not None:
        raise Refused("Your account is to be deleted already.", status=409, code="scheduled")
    if not services.check_own_password(user, password or ""):  # rate-limited
        raise Refused("That is not your password.", field="password", code="wrong_password")
    owed = owed_to(user)
    if owed and not give_up_money:
        raise Refused(
            "You are owed money: " + "; ".join(owed) + ". A deleted account cannot be paid: "
            "say that you give it up, or wait for the payout.",
            field="give_up_money",
            code="money_owed",
        )
    due = timezone.now() + timedelta(days=settings.ACCOUNT_DELETION_DAYS)
    User.objects.filter(pk=user.pk).update(deletion_due_at=due, deletion_keeps_records=keep_records)
    user.deletion_due_at, user.deletion_keeps_records = due, keep_records
    notify(user, "deletion_scheduled")
    return due


def cancel(user: User) -> bool:
    changed = User.objects.filter(pk=user.pk, deletion_due_at__isnull=False).update(
        deletion_due_at=None
    )
    user.deletion_due_at = None
    return bool(changed)


def erase(user: User) -> None:
    """Delete the account now, in one transaction (the sweeper calls it when due)."""
    with transaction.atomic():
        for undo in on_erase:
            undo(user, not user.deletion_keeps_records)
        Block.objects.filter(blocker=user).delete()
        Block.objects.filter(blocked=user).delete()
        user.access_tokens.all().delete()
        Notification.objects.filter(recipient=user).delete()
        files = [e.file_name for e in user.exports.all() if e.file_name]
        user.exports.all().delete()
        for name in files:  # once the rows are gone for good: a rollback keeps both
            # robust: a store that does not answer leaves a file (logged), not the sweep.
            transaction.on_commit(partial(filestore.exports.remove, name), robust=True)
        user.skill_rows.all().delete()
        avatar = user.avatar.name if user.avatar else ""
        user.username = f"former_{user.pk}"
        user.email = f"former-{user.pk}@invalid"
        user.display_name = user.bio = user.first_name = user.last_name = ""
        user.links, user.avatar = [], ""
        user.email_verified_at = user.suspended_until = user.deletion_due_at = None
        user.suspension_reason = ""
        user.is_active = user.is_staff = user.is_superuser = user.blocks_someone = False
        user.set_unusable_password()
        user.erased_at = timezone.now()
        user.save()
        generations.bump("credits")  # credit rolls name them "a former member" now
        user.groups.clear()
        user.user_permissions.clear()
        if avatar:
            transaction.on_commit(lambda: user.avatar.storage.delete(avatar))


def sweep() -> int:
    """Erase every account whose grace period is over; how many."""
    due = User.objects.filter(deletion_due_at__lte=timezone.now(), erased_at__isnull=True)
    done = 0
    for user in due:
        erase(user)
        done += 1
        logger.info("Erased account %s as asked", user.pk)
    return done
