"""What moderators may do to a member, from a report on them or on their things: warn
(a word on the record, nothing else changes), suspend for some days (reads only:
`accounts.suspension`) or ban (signed out and kept out; their name stays on what they
made). Never to a moderator or an operator: they answer to the site's operators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ensemble.accounts.models import AccessToken, User
from ensemble.core.refusals import Refused
from ensemble.moderation.models import AuditEntry, Kind, Report
from ensemble.notifications.services import notify

ACTIONS = (AuditEntry.Action.WARN, AuditEntry.Action.SUSPEND, AuditEntry.Action.BAN)
MAX_DAYS = 365


def member_to_sanction(report: Report, action: str, days: int | None) -> User | None:
    """The member `action` falls on (the reported thing's owner), once every refusal is
    out of the way; None for an action that is not a sanction."""
    if action not in ACTIONS:
        return None
    owner = report.target_owner_id
    member = User.objects.filter(pk=owner).first() if owner is not None else None
    if member is None or not member.is_active:
        raise Refused("This member's account is closed already.", status=409, code="gone")
    if member.is_superuser or member.has_perm("moderation.moderate"):
        raise Refused(
            "Moderators and operators answer to the site's operators, not to the queue.",
            status=403,
            code="moderator",
        )
    if action == AuditEntry.Action.SUSPEND and (
        not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS
    ):
        raise Refused(f"Suspend for 1 to {MAX_DAYS} days.", field="days")
    return member


def _state(member: User) -> dict[str, Any]:
    until = member.suspended_until
    return {
        "suspended_until": until.isoformat() if until else None,
        "active": member.is_active,
    }


def apply(
    member: User, *, by: User, action: str, note: str, days: int | None, report: Report
) -> AuditEntry:
    """Carry out a sanction checked by `member_to_sanction`, with its audit entry; the
    member is told what and why (by the moderators as a team)."""
    before = _state(member)
    now = timezone.now()
    if action == AuditEntry.Action.SUSPEND:
        assert days is not None  # checked
        member.suspended_until, member.suspension_reason = now + timedelta(days=days), note
        member.save(update_fields=["suspended_until", "suspension_reason"])
    elif action == AuditEntry.Action.BAN:
        member.is_active, member.banned_at = False, now
        member.save(update_fields=["is_active", "banned_at"])
        # Signed out everywhere: sessions stop with `is_active`; tokens are revoked.
        AccessToken.objects.filter(user=member, revoked_at__isnull=True).update(revoked_at=now)
    entry = AuditEntry.objects.create(
        actor=by,
        action=action,
        kind=Kind.MEMBER,
        target_id=member.pk,
        target_owner=member,
        report=report,
        note=note,
        before=before,
        after={**_state(member), **({"days": days} if days else {})},
    )
    notify(member, "member_sanctioned", about=entry)
    return entry


def lift(member: User) -> dict[str, Any]:
    """End a suspension (an appeal granted); the state after, for the audit log."""
    member.suspended_until, member.suspension_reason = None, ""
    member.save(update_fields=["suspended_until", "suspension_reason"])
    return _state(member)
