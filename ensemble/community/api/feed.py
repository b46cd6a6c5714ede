"""What to look at: the home feed, calls a record could enter, trending records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from ensemble.accounts.http import member
from ensemble.community.api.base import record_for, router
from ensemble.community.services import feed, suggest, trending
from ensemble.core import fragments
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError
from ensemble.core.ids import Id


class FeedItemOut(Schema):
    kind: str  # record, remix, update, call, release
    at: datetime
    title: str
    url: str
    by: str | None


class FeedPage(Schema):
    items: list[FeedItemOut]
    next_cursor: str | None


def feed_item_out(item: feed.Item) -> dict[str, Any]:
    obj = item.obj
    if item.kind == "record":
        return {"title": obj.title, "url": obj.get_absolute_url(), "by": obj.owner.username}
    if item.kind == "remix":
        derived = obj.derived
        return {
            "title": f"{derived.title} (remixes {obj.source.title})",
            "url": derived.get_absolute_url(),
            "by": derived.owner.username,
        }
    if item.kind == "update":
        return {
            "title": f"Update in {obj.project.title}",
            "url": obj.project.get_absolute_url(),
            "by": obj.author.username if obj.author else None,
        }
    if item.kind == "call":
        return {"title": f"New call: {obj.title}", "url": obj.get_absolute_url(), "by": None}
    return {
        "title": f"Released: {obj.production.record.title}",
        "url": obj.production.project.get_absolute_url(),
        "by": None,
    }


@router.get("/feed", response={200: FeedPage, **ERRORS})
def home_feed(request: HttpRequest, cursor: str | None = None) -> dict[str, Any]:
    """Newest first: records and remixes from people you follow, updates, calls and
    releases of projects you follow, remixes of your work. Cursor-paginated."""
    user = member(request)

    def answer() -> dict[str, Any]:
        items, next_cursor = feed.page(user, cursor)
        return {
            "items": [{"kind": i.kind, "at": i.at, **feed_item_out(i)} for i in items],
            "next_cursor": next_cursor,
        }

    # Kept as the answer's plain values, as the page keeps its items (feed.kept_page):
    # reading titles and links off the items again on every request was a quarter of
    # the endpoint's time.
    try:
        return fragments.kept_for_member(request, "feed-api", cursor or "", compute=answer)
    except feed.BadCursor as error:
        raise ApiError(400, str(error), "bad_cursor") from error


@router.get(
    "/records/{record_id}/suggested-calls",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=None,
)
def suggested_calls(request: HttpRequest, record_id: Id) -> list[dict[str, Any]]:
    """Open calls that would take this record, best matching first (its tags and its
    owner's skills against the calls' words), then the soonest deadline."""
    return [
        {
            "id": c.pk,
            "title": c.title,
            "url": c.get_absolute_url(),
            "deadline": c.deadline,
            "project": c.project.slug if c.project else None,
        }
        for c in suggest.calls_for(record_for(request, record_id))
    ]


@router.get("/trending", response={200: list[dict[str, Any]], **ERRORS}, auth=None)
def trending_records(request: HttpRequest) -> list[dict[str, Any]]:
    """Records rising now: hearts, remixes and entries, decayed with time (no views)."""
    return [
        {
            "id": r.pk,
            "title": r.title,
            "url": r.get_absolute_url(),
            "kind": r.kind,
            "owner": r.owner.username,
            "heart_count": r.heart_count,
        }
        for r in trending.trending(24)
    ]
