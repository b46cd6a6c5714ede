"""The community API: hearts, follows, comments and lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.community.models import Comment, RecordList
from ensemble.community.services import comments, feed, follows, hearts, lists, suggest, trending
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn
from ensemble.core.pagination import paginate
from ensemble.projects import services as projects
from ensemble.projects.models import Call, Project
from ensemble.records import access
from ensemble.records.models import Record

router = Router(tags=["community"])


class HeartOut(Schema):
    record_id: int
    hearted: bool
    heart_count: int


class FollowOut(Schema):
    following: bool


class CommentIn(JsonIn):
    body: str
    reply_to: Id | None = None


class CommentPatch(JsonIn):
    body: str


class CommentOut(Schema):
    id: int
    author: str
    body_html: str
    reply_to: int | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool


class ListIn(JsonIn):
    title: str
    description: str = ""


class ItemIn(JsonIn):
    record_id: Id
    note: str = ""


class OrderIn(JsonIn):
    record_ids: list[Id]


def _record(request: HttpRequest, record_id: int) -> Record:
    record = get_object_or_404(Record.objects.select_related("owner"), pk=record_id)
    if record.is_deleted or not access.can_view(http.api_viewer(request), record):
        raise Http404
    return record


def _person(username: str) -> User:
    user = User.objects.with_username(username).filter(is_active=True).first()
    if user is None:
        raise ApiError(404, f"There is no member called @{username}.", "not_found")
    return user


def _project(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("owner"), slug=slug)
    if not projects.can_view_project(http.api_viewer(request), project):
        raise Http404
    return project


def _call(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("project__owner"), pk=call_id)
    if not comments.can_see(http.api_viewer(request), call):
        raise Http404
    return call


def comment_out(c: Comment) -> dict[str, Any]:
    deleted = c.deleted_at is not None
    return {
        "id": c.pk,
        "author": c.author.username,
        "body_html": "" if deleted else c.body_html,
        "reply_to": c.reply_to_id,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
        "deleted": deleted,
    }


# ---------------------------------------------------------------- hearts


@router.post("/records/{record_id}/hearts", response={200: HeartOut, 201: HeartOut, **ERRORS})
def heart(request: HttpRequest, record_id: Id) -> Status:
    """Heart a public record (201; 200 if you had already). Not your own work (409)."""
    ratelimit.limit_write(request, "heart")
    record = _record(request, record_id)
    made = hearts.heart(member(request), record)
    record.refresh_from_db(fields=["heart_count"])
    return Status(
        201 if made else 200,
        {"record_id": record.pk, "hearted": True, "heart_count": record.heart_count},
    )


@router.delete("/records/{record_id}/hearts", response={200: HeartOut, **ERRORS})
def unheart(request: HttpRequest, record_id: Id) -> dict[str, Any]:
    ratelimit.limit_write(request, "heart")
    record = _record(request, record_id)
    hearts.unheart(member(request), record)
    record.refresh_from_db(fields=["heart_count"])
    return {"record_id": record.pk, "hearted": False, "heart_count": record.heart_count}


# ---------------------------------------------------------------- follows


@router.post("/users/{username}/follow", response={200: FollowOut, **ERRORS})
def follow_person(request: HttpRequest, username: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.follow_person(member(request), _person(username))
    return {"following": True}


@router.delete("/users/{username}/follow", response={200: FollowOut, **ERRORS})
def unfollow_person(request: HttpRequest, username: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.unfollow(member(request), person=_person(username))
    return {"following": False}


@router.post("/projects/{slug}/follow", response={200: FollowOut, **ERRORS})
def follow_project(request: HttpRequest, slug: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.follow_project(member(request), _project(request, slug))
    return {"following": True}


@router.delete("/projects/{slug}/follow", response={200: FollowOut, **ERRORS})
def unfollow_project(request: HttpRequest, slug: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.unfollow(member(request), project=_project(request, slug))
    return {"following": False}


@router.get("/users/{username}/followers", response={200: list[str], **ERRORS}, auth=None)
def followers(request: HttpRequest, username: str) -> list[str]:
    person = _person(username)
    return list(
        User.objects.filter(following__person=person, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)[:1000]
    )


@router.get(
    "/users/{username}/following", response={200: dict[str, list[str]], **ERRORS}, auth=None
)
def following(request: HttpRequest, username: str) -> dict[str, list[str]]:
    person = _person(username)
    people = User.objects.filter(followers__follower=person, is_active=True).order_by("username")
    # Drafts are private: who follows what there is not for everyone to read.
    shown = Project.objects.filter(followers__follower=person).exclude(status=Project.Status.DRAFT)
    return {
        "people": list(people.values_list("username", flat=True)[:1000]),
        "projects": list(shown.order_by("slug").values_list("slug", flat=True)[:1000]),
    }


# ---------------------------------------------------------------- comments


def _post_comment(request: HttpRequest, target: Any, body: CommentIn) -> Status:
    ratelimit.limit_write(request, "comment")
    reply_to = None
    if body.reply_to is not None:
        reply_to = Comment.objects.filter(pk=body.reply_to).first()
        if reply_to is None:
            raise ApiError(404, "There is no such comment to answer.", "not_found")
    made = comments.add(member(request), target, body.body, reply_to=reply_to)
    return Status(201, comment_out(made))


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


def _list_comments(target: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    """Every comment on the target, replies included (each names its `reply_to`),
    newest first, a page at a time: a long conversation is never one huge answer."""
    found = Comment.objects.on(target).select_related("author")
    page = paginate(found, cursor=cursor, limit=limit)
    return {"items": [comment_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/records/{record_id}/comments", response={200: CommentPage, **ERRORS}, auth=None)
def record_comments(
    request: HttpRequest,
    record_id: Id,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    """The record's comments, newest first, cursor-paginated (`next_cursor`)."""
    return _list_comments(_record(request, record_id), cursor, limit)


@router.post("/records/{record_id}/comments", response={201: CommentOut, **ERRORS})
def comment_record(request: HttpRequest, record_id: Id, body: CommentIn) -> Status:
    """Markdown; `@username` tells that member (if they can see the record)."""
    return _post_comment(request, _record(request, record_id), body)


@router.get("/projects/{slug}/comments", response={200: CommentPage, **ERRORS}, auth=None)
def project_comments(
    request: HttpRequest, slug: str, cursor: str | None = None, limit: int = Query(20, ge=1, le=100)
) -> dict[str, Any]:
    """The project's comments, newest first, cursor-paginated (`next_cursor`)."""
    return _list_comments(_project(request, slug), cursor, limit)


@router.post("/projects/{slug}/comments", response={201: CommentOut, **ERRORS})
def comment_project(request: HttpRequest, slug: str, body: CommentIn) -> Status:
    return _post_comment(request, _project(request, slug), body)


@router.get("/calls/{call_id}/comments", response={200: CommentPage, **ERRORS}, auth=None)
def call_comments(
    request: HttpRequest,
    call_id: Id,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    """The call's comments, newest first, cursor-paginated (`next_cursor`)."""
    return _list_comments(_call(request, call_id), cursor, limit)


@router.post("/calls/{call_id}/comments", response={201: CommentOut, **ERRORS})
def comment_call(request: HttpRequest, call_id: Id, body: CommentIn) -> Status:
    return _post_comment(request, _call(request, call_id), body)


def _comment(request: HttpRequest, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=comment_id)
    if not comments.can_see(http.api_viewer(request), comment.subject):
        raise Http404
    return comment


@router.patch("/comments/{comment_id}", response={200: CommentOut, **ERRORS})
def edit_comment(request: HttpRequest, comment_id: Id, body: CommentPatch) -> dict[str, Any]:
    return comment_out(
        comments.edit(_comment(request, comment_id), by=member(request), body=body.body)
    )


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS})
def delete_comment(request: HttpRequest, comment_id: Id) -> Status:
    comments.delete(_comment(request, comment_id), by=member(request))
    return Status(204, None)


# ---------------------------------------------------------------- lists


def list_out(record_list: RecordList) -> dict[str, Any]:
    return {
        "id": record_list.pk,
        "owner": record_list.owner.username,
        "title": record_list.title,
        "description_html": record_list.description_html,
        "items": [
            {"record_id": i.record_id, "title": i.record.title, "note": i.note}
            for i in lists.visible_items(record_list)
        ],
    }


def _list(list_id: int) -> RecordList:
    return get_object_or_404(RecordList.objects.select_related("owner"), pk=list_id)


@router.post("/lists", response={201: dict[str, Any], **ERRORS})
def create_list(request: HttpRequest, body: ListIn) -> Status:
    ratelimit.limit_write(request, "list")
    made = lists.create(member(request), title=body.title, description=body.description)
    return Status(201, list_out(made))


@router.get("/lists/{list_id}", response={200: dict[str, Any], **ERRORS}, auth=None)
def get_list(request: HttpRequest, list_id: Id) -> dict[str, Any]:
    """A list with the records in it that are public now."""
    return list_out(_list(list_id))


@router.post("/lists/{list_id}/items", response={201: dict[str, Any], **ERRORS})
def add_item(request: HttpRequest, list_id: Id, body: ItemIn) -> Status:
    ratelimit.limit_write(request, "list")
    record_list = _list(list_id)
    lists.add(
        record_list, by=member(request), record=_record(request, body.record_id), note=body.note
    )
    return Status(201, list_out(record_list))


@router.delete("/lists/{list_id}/items/{record_id}", response={204: None, **ERRORS})
def remove_item(request: HttpRequest, list_id: Id, record_id: Id) -> Status:
    ratelimit.limit_write(request, "list")
    record = get_object_or_404(Record, pk=record_id)
    lists.remove(_list(list_id), by=member(request), record=record)
    return Status(204, None)


@router.put("/lists/{list_id}/order", response={200: dict[str, Any], **ERRORS})
def reorder(request: HttpRequest, list_id: Id, body: OrderIn) -> dict[str, Any]:
    ratelimit.limit_write(request, "list")
    record_list = _list(list_id)
    lists.reorder(record_list, by=member(request), record_ids=body.record_ids)
    return list_out(record_list)


@router.get("/users/{username}/lists", response={200: list[dict[str, Any]], **ERRORS}, auth=None)
def user_lists(request: HttpRequest, username: str) -> list[dict[str, Any]]:
    person = _person(username)
    return [{"id": rl.pk, "title": rl.title} for rl in person.record_lists.all()[:200]]


# ---------------------------------------------------------------- feed


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
    try:
        items, next_cursor = feed.page(member(request), cursor)
    except feed.BadCursor as error:
        raise ApiError(400, str(error), "bad_cursor") from error
    return {
        "items": [{"kind": i.kind, "at": i.at, **feed_item_out(i)} for i in items],
        "next_cursor": next_cursor,
    }


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
        for c in suggest.calls_for(_record(request, record_id))
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
