from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ensemble.accounts.http import member
from ensemble.core import fragments
from ensemble.core.api import ERRORS
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn
from ensemble.core.pagination import paginate
from ensemble.notifications import services
from ensemble.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="The sentence, as Markdown.")
    text_html: str = Field(
        description="The sentence rendered and sanitised: inline HTML (strong, em, del, code)."
    )
    link: str
    actor: str | None
    created_at: datetime
    read: bool


def _out(n: Notification) -> dict[str, object]:
    """A notification as the API gives it, as plain values: a page of them is kept so
    (below), and checking plain values against the schema is cheap where reading them
    off the rows again (the texts, the links) was half of every request's time."""
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": n.text,
        "text_html": n.text_html,
        "link": n.link,
        "actor": n.actor.username if n.actor else None,
        "created_at": n.created_at,
        "read": n.is_read,
    }


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread_count: int


class ReadIn(JsonIn):
    ids: list[Id] | None = Field(
        None, max_length=500, description="Mark these; leave out to mark all read."
    )


class ReadOut(Schema):
    marked: int


@router.get("/notifications", response={200: NotificationPage, **ERRORS})
def list_notifications(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(30, ge=1, le=100)
) -> dict[str, object]:
    """Your notifications, newest first. Pass `next_cursor` back as `cursor` for more."""
    user = member(request)
    newest, unread = services.newest_and_unread(user.pk)

    def page() -> dict[str, object]:
        mine = Notification.objects.for_user(user).select_related("actor", "about_type")
        found = paginate(mine, cursor=cursor, limit=limit)
        items = [_out(n) for n in services.attach_about(list(found.items))]
        return {"items": items, "next_cursor": found.next_cursor}

    # Kept for the member alone until one arrives or is read (notification_list's key).
    kept = fragments.kept_for_member(
        request, "notifications", cursor or "", limit, newest, unread, compute=page
    )
    return {**kept, "unread_count": unread}


@router.post("/notifications/read", response={200: ReadOut, **ERRORS})
def mark_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    """Mark some or all of your notifications as read."""
    return {"marked": services.mark_read(member(request), payload.ids)}
