"""One member as moderators see them, in the API: their standing and what was done to
them and their things (`GET /moderation/members/{username}`), and lifting a suspension
or a ban (`POST …/lift`). The same services as the page (`moderation.members`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from ensemble.accounts.http import member
from ensemble.core.api import ERRORS
from ensemble.core.json_in import JsonIn
from ensemble.moderation import members, services
from ensemble.moderation.api import AuditOut, name_of

router = Router(tags=["moderation"])


class MemberOut(Schema):
    username: str
    active: bool
    suspended_until: datetime | None
    suspension_reason: str
    banned_at: datetime | None
    moderator: bool
    reports: dict[str, int]  # reported, upheld, things removed
    history: list[AuditOut]  # newest first, the last 50


class LiftIn(JsonIn):
    note: str


def member_out(found: Any) -> dict[str, Any]:
    return {
        "username": found.username,
        "active": found.is_active,
        "suspended_until": found.suspended_until if found.is_suspended else None,
        "suspension_reason": found.suspension_reason if found.is_suspended else "",
        "banned_at": found.banned_at,
        "moderator": members.standing(found)["moderator"],
        "reports": services.owner_history_of(found.pk),
        "history": [
            {
                "id": a.pk,
                "actor": name_of(a.actor),
                "action": a.action,
                "kind": a.kind,
                "target_id": a.target_id,
                "target_owner": found.username,
                "report": a.report_id,
                "note": a.note,
                "before": a.before,
                "after": a.after,
                "created_at": a.created_at,
            }
            for a in members.history(found)
        ],
    }


@router.get("/moderation/members/{username}", response={200: MemberOut, **ERRORS})
def member_standing(request: HttpRequest, username: str) -> dict[str, Any]:
    """Moderators: a member's standing and what was done to them (404 for others)."""
    return member_out(members.find(username, by=member(request)))


@router.post("/moderation/members/{username}/lift", response={200: MemberOut, **ERRORS})
def lift(request: HttpRequest, username: str, body: LiftIn) -> dict[str, Any]:
    """Moderators: end a member's suspension or ban now, with the reason they are told
    (409 `not_sanctioned` when there is neither; 403 `own` for yourself)."""
    by = member(request)
    found = members.find(username, by=by)
    members.lift(found, by=by, note=body.note)
    found.refresh_from_db()
    return member_out(found)
