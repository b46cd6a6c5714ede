"""What a profile shows besides the portfolio: followers and following, lists,
contributions to projects and credits received. A fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ensemble.accounts.models import User
from ensemble.community.models import RecordList
from ensemble.projects.models import (
    Call,
    Entry,
    ReleaseCredit,
    call_visible_to_everyone,
    visible_to_everyone,
)

SHOWN = 12


def visible_contributions(member: User, viewer: Any) -> list[Entry]:
    """The member's entries the viewer may see: not withdrawn, public records, projects
    that are not drafts or hidden, and no entry in a sealed call still open (unless it is yours)."""
    entries = (
        Entry.objects.filter(
            entrant=member, record__visibility="public", record__deleted_at__isnull=True
        )
        .exclude(state=Entry.State.WITHDRAWN)
        .filter(call_visible_to_everyone("call__"))
        .select_related("record", "call__project")
        .order_by("-created_at")
    )
    if getattr(viewer, "pk", None) != member.pk:
        entries = entries.exclude(
            Q(call__visibility=Call.Visibility.SEALED) & Q(call__status=Call.Status.OPEN)
        )
    return list(entries[:SHOWN])


def extras(member: User, viewer: Any) -> dict[str, Any]:
    credits = list(
        ReleaseCredit.objects.filter(user=member)
        .filter(visible_to_everyone("release__production__project__"))
        .select_related("release__production__record", "release__production__project")
        .order_by("-release__released_at")[: SHOWN * 2]
    )
    return {
        "member": member,
        "followers": User.objects.filter(following__person=member, is_active=True).count(),
        "following": User.objects.filter(followers__follower=member, is_active=True).count(),
        "lists": list(RecordList.objects.filter(owner=member)[:SHOWN]),
        "contributions": visible_contributions(member, viewer),
        "credited": [c for c in credits if not c.thanked][:SHOWN],
        "thanked": [c for c in credits if c.thanked][:SHOWN],
    }
