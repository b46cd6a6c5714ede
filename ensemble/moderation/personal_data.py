"""Moderation's part of a member's export (`accounts.exports`): the reports they made
and their messages, what moderators did to their things and why, and their appeals.
Never who reported them."""

from __future__ import annotations

from ensemble.accounts.exports import Part
from ensemble.accounts.models import User
from ensemble.moderation.models import Appeal, AuditEntry, Report, ReportMessage


def collect(user: User) -> Part:
    return Part(
        {
            "reports": list(
                Report.objects.filter(reporter=user)
                .values("id", "kind", "target_id", "reason", "text", "state", "outcome")
                .order_by("pk")
            ),
            "messages": list(
                ReportMessage.objects.filter(author=user)
                .values("report_id", "body", "created_at")
                .order_by("pk")
            ),
            "actions_on_yours": list(
                AuditEntry.objects.concerning(user)
                .values("action", "kind", "target_id", "note", "created_at")
                .order_by("pk")
            ),
            "appeals": list(
                Appeal.objects.filter(appellant=user)
                .values("action_id", "text", "state", "outcome", "created_at")
                .order_by("pk")
            ),
        }
    )
