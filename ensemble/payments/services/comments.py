"""Comments on a published payment proposal: anyone's word while its window is open,
answered by the leaders; @mentions notify (community's rule); authors edit and delete
their own while the window is open.

No one else may delete a comment, leaders included: these comments are the open record
of how a split was questioned, so a leader cannot make a complaint disappear. A deleted
comment keeps its row (replies keep their place) and loses its words.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.community.services.comments import mentioned_in, render_comment
from ensemble.core import ratelimit
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.notifications.services import notify, notify_many
from ensemble.payments.models import Comment, Proposal
from ensemble.payments.services.access import is_pool_leader
from ensemble.projects import services as projects

MAX_LENGTH = 5_000
PAGE_SIZE = 50  # comments on a proposal page, newest first


def page(proposal: Proposal, *, before: int | None = None) -> tuple[list[Comment], int | None]:
    """The newest PAGE_SIZE comments older than comment `before`, oldest first as they
    read, and the id to pass as `before` for the older ones (or None): one query."""
    found = proposal.comments.select_related("author").order_by("-pk")
    if before is not None:
        found = found.filter(pk__lt=before)
    rows = list(found[: PAGE_SIZE + 1])
    older = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE][::-1], older


def _require_window(proposal: Proposal) -> None:
    if not proposal.window_open:
        raise Refused(
            "Comments are taken while the proposal is open for comments.",
            status=409,
            code="window_closed",
        )


def _clean(body: str) -> str:
    body = checked_text((body or "").strip(), field="body", label="comment", multiline=True)
    if not body or len(body) > MAX_LENGTH:
        raise Refused(f"Write a comment of 1 to {MAX_LENGTH:,} characters.", field="body")
    return body


def add(proposal: Proposal, *, by: User, body: str, reply_to: Comment | None = None) -> Comment:
    """Anyone's word while the window is open; only leaders answer a comment."""
    _require_window(proposal)
    body = _clean(body)
    if reply_to is not None:
        if reply_to.proposal_id != proposal.pk or reply_to.reply_to_id is not None:
            raise Refused("Answer a comment of this proposal.", field="reply_to")
        if reply_to.deleted_at is not None:
            raise Refused("That comment was deleted.", status=410, code="gone")
        if not is_pool_leader(by, proposal.pool):
            raise Refused(
                "Only the project's leaders answer comments.", status=403, code="forbidden"
            )
    project = proposal.pool.production.project
    # The proposal is as public as its project: tell those named who may see it.
    named = mentioned_in(body, by, lambda user: projects.can_view_project(user, project))
    if named:  # the same budget as community comments' mentions
        ratelimit.hit("mention", f"user:{by.pk}", cost=len(named))
    with transaction.atomic():
        made = Comment.objects.create(
            proposal=proposal,
            author=by,
            reply_to=reply_to,
            body=body,
            body_html=render_comment(body),
        )
        notify_many(named, "mentioned", actor=by, about=made, thread=proposal)
        if reply_to is not None and reply_to.author_id not in {by.pk, *(u.pk for u in named)}:
            notify(reply_to.author, "comment_reply", actor=by, about=made, thread=proposal)
    return made


def _require_author(comment: Comment, by: User, what: str) -> None:
    if comment.author_id != by.pk:
        raise Refused(f"You can only {what} your own comments.", status=403, code="forbidden")
    if comment.deleted_at is not None:
        raise Refused("That comment was deleted.", status=410, code="gone")
    _require_window(comment.proposal)


def edit(comment: Comment, *, by: User, body: str) -> Comment:
    """The author rewords it while the window is open; the page says it was edited."""
    _require_author(comment, by, "edit")
    body = _clean(body)
    html, now = render_comment(body), timezone.now()
    # One statement, and only while not deleted: a deletion racing this edit wins, so
    # a deleted comment never gets words back.
    live = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True)
    if not live.update(body=body, body_html=html, edited_at=now):
        raise Refused("That comment was deleted.", status=410, code="gone")
    comment.body, comment.body_html, comment.edited_at = body, html, now
    return comment


def delete(comment: Comment, *, by: User) -> None:
    """The author takes it back while the window is open (see the module's docstring)."""
    _require_author(comment, by, "delete")
    comment.body, comment.body_html, comment.deleted_at = "", "", timezone.now()
    comment.save(update_fields=["body", "body_html", "deleted_at"])
