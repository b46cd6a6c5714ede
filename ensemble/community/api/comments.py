"""Comments on records, projects and calls, and editing or deleting any comment (the
rules are each subject's policy: `community.comment_policy`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status

from ensemble.accounts import http
from ensemble.accounts.http import member
from ensemble.community.api.base import project_for, record_for, router
from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.api import ApiError
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn
from ensemble.core.pagination import paginate
from ensemble.projects.models import Call


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
    removed_by_moderators: bool


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
        "removed_by_moderators": c.removed_by_moderators,
    }


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
    return _list_comments(record_for(request, record_id), cursor, limit)


@router.post("/records/{record_id}/comments", response={201: CommentOut, **ERRORS})
def comment_record(request: HttpRequest, record_id: Id, body: CommentIn) -> Status:
    """Markdown; `@username` tells that member (if they can see the record)."""
    return _post_comment(request, record_for(request, record_id), body)


@router.get("/projects/{slug}/comments", response={200: CommentPage, **ERRORS}, auth=None)
def project_comments(
    request: HttpRequest, slug: str, cursor: str | None = None, limit: int = Query(20, ge=1, le=100)
) -> dict[str, Any]:
    """The project's comments, newest first, cursor-paginated (`next_cursor`)."""
    return _list_comments(project_for(request, slug), cursor, limit)


@router.post("/projects/{slug}/comments", response={201: CommentOut, **ERRORS})
def comment_project(request: HttpRequest, slug: str, body: CommentIn) -> Status:
    return _post_comment(request, project_for(request, slug), body)


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
