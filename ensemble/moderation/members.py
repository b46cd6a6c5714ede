"""One member as moderators see them: their standing (suspended, banned, a moderator),
what was done to them and their things, and lifting a suspension or a ban early, on the
log like every action. Operators' changes of the same facts outside the queue (Django's
admin, `ensemble moderators`) are written to the log here too (`log_operator_change`),
so the log is the whole story of who could do what, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ensemble.accounts.models import AccessToken, User
from ensemble.core.refusals import Refused
from ensemble.moderation import services
from ensemble.moderation.models import AuditEntry, Kind
from ensemble.notifications.services import notify

HISTORY = 50  # the newest actions shown on a member's page


def standing(member: User) -> dict[str, Any]:
    """What the log keeps before and after a change of a member's standing."""
    until = member.suspended_until
    return {
        "active": member.is_active,
        "suspended_until": until.isoformat() if until else None,
        "banned": member.banned_at is not None,
        "moderator": services.holds_role(member),
    }


def find(username: str, *, by: Any) -> User:
    """The member, for a moderator; Http404 for anyone else, and for nobody by that name."""
    if not services.is_moderator(by):
        raise Http404
    member = User.objects.with_username(username).first()
    if member is None:
        raise Http404
    return member


def history(member: User) -> QuerySet[AuditEntry]:
    """What moderators and operators did to the member and their things, newest first."""
    return (
        AuditEntry.objects.filter(Q(target_owner=member) | Q(kind=Kind.MEMBER, target_id=member.pk))
        .select_related("actor")
        .order_by("-id")[:HISTORY]
    )


def lift(member: User, *, by: User, note: str) -> AuditEntry:
    """End the member's suspension or ban now, with the reason; they are told. Refused
    for a member who is neither, and for oneself."""
    if not services.is_moderator(by):
        raise Http404
    note = services.clean_text(note, field="note", label="reason")
    if member.pk == by.pk:
        raise Refused("Another moderator decides about you.", status=403, code="own")
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        if not member.is_suspended and member.banned_at is None:
            raise Refused(
                f"@{member.username} is neither suspended nor banned.",
                status=409,
                code="not_sanctioned",
            )
        before = standing(member)
        member.suspended_until, member.suspension_reason = None, ""
        fields = ["suspended_until", "suspension_reason"]
        if member.banned_at is not None:
            member.banned_at, member.is_active = None, True
            fields += ["banned_at", "is_active"]
        member.save(update_fields=fields)
        entry = AuditEntry.objects.create(
            actor=by,
            action=AuditEntry.Action.LIFT,
            kind=Kind.MEMBER,
            target_id=member.pk,
            target_owner=member,
            note=note,
            before=before,
            after=standing(member),
        )
    notify(member, "sanction_lifted", about=entry)
    return entry


def log_operator_change(
    member: User, before: dict[str, Any], *, by: User | None, where: str
) -> list[AuditEntry]:
    """Log what an operator changed of `member`'s standing outside the queue (`where`
    says how: "in the administration", "with ensemble moderators"), one entry per
    change, compared with `before` (`standing` as it was). A ban made there also revokes
    the member's tokens, as a ban from the queue does."""
    member = User.objects.get(pk=member.pk)  # afresh: permissions are cached per instance
    after = standing(member)
    changes: list[str] = []
    banned_now = after["banned"] or not after["active"]
    if banned_now and not (before["banned"] or not before["active"]):
        changes.append(AuditEntry.Action.BAN)
        AccessToken.objects.filter(user=member, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    elif not banned_now and (before["banned"] or not before["active"]):
        changes.append(AuditEntry.Action.LIFT)
    if member.is_suspended and after["suspended_until"] != before["suspended_until"]:
        changes.append(AuditEntry.Action.SUSPEND)
    elif not member.is_suspended and _suspended(before):
        changes.append(AuditEntry.Action.LIFT)
    if after["moderator"] != before["moderator"]:
        changes.append(AuditEntry.Action.GRANT if after["moderator"] else AuditEntry.Action.REVOKE)
    return [
        AuditEntry.objects.create(
            actor=by,
            action=action,
            kind=Kind.MEMBER,
            target_id=member.pk,
            target_owner=member,
            note=f"Changed {where}.",
            before=before,
            after=after,
        )
        for action in dict.fromkeys(changes)  # a ban and a suspension lifted: one "lift"
    ]


def _suspended(state: dict[str, Any]) -> bool:
    until = state["suspended_until"]
    return until is not None and datetime.fromisoformat(until) > timezone.now()
