"""The one comment service: comments on anything that registered a `CommentPolicy`
(records, projects and calls here; payment proposals in payments). One level of
replies; authors edit and delete their own; @mentions notify. Only on what the author
can see, and only people who can see it are told. What differs from one kind of
subject to another (windows that close, who answers, who is told, who else may
delete) is its policy's (`community.comment_policy`)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import BigIntegerField, F, Window
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import Exact
from django.utils import timezone

from ensemble.accounts import blocks
from ensemble.accounts.models import User
from ensemble.community.comment_policy import policy_for
from ensemble.community.models import Comment
from ensemble.core import ratelimit
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.notifications.services import notify, notify_many

MAX_LENGTH = 5_000
MAX_MENTIONS = 10  # more is a mass notification, not a conversation
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.+-]{1,150})")


def can_see(user: Any, subject: Any) -> bool:
    # No subject: it was deleted outright (not through the site), and its comments with
    # nowhere to be shown.
    return subject is not None and policy_for(subject).can_see(user, subject)


def _clean(body: str) -> str:
    body = checked_text((body or "").strip(), field="body", label="comment", multiline=True)
    if not body:
        raise Refused("Write something first.", field="body")
    if len(body) > MAX_LENGTH:
        raise Refused(f"A comment can be at most {MAX_LENGTH:,} characters.", field="body")
    return body


def mentioned(body: str, subject: Any, author: User) -> list[User]:
    """Members named with @username who exist and may see the subject (unknown names
    are just text); at most MAX_MENTIONS."""
    names = {m.rstrip(".") for m in MENTION.findall(body)}
    if not names:
        return []
    policy = policy_for(subject)
    apart = blocks.either_way(author)  # no mention crosses a block, either way
    found = [
        u
        for u in User.objects.filter(username__in=list(names)[: MAX_MENTIONS * 2], is_active=True)
        if u.pk != author.pk and u.pk not in apart and policy.can_see(u, subject)
    ]
    return found[:MAX_MENTIONS]


_TAG = re.compile(r"(<[^>]*>)")
_NOT_LINKED_INSIDE = {"a", "code", "pre"}


def render_comment(body: str) -> str:
    """The comment as sanitized HTML, with each @mention of a member linked to their
    profile (not inside links or code). Unknown names stay text."""
    html = str(render_markdown(body))
    names = {m.rstrip(".").lower() for m in MENTION.findall(body)}
    if not names:
        return html
    members = User.objects.filter(
        username__lower__in=sorted(names)[: MAX_MENTIONS * 2], is_active=True
    )
    known = {u.username.lower(): u for u in members}

    def link(found: re.Match[str]) -> str:
        name = found.group(1).rstrip(".")
        user = known.get(name.lower())
        if user is None:
            return found.group(0)
        rest = found.group(1)[len(name) :]
        return f'<a href="{user.get_absolute_url()}" class="mention">@{name}</a>{rest}'

    out, inside = [], 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            tag = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if tag in _NOT_LINKED_INSIDE:
                inside += -1 if part.startswith("</") else 1
            out.append(part)
        else:
            out.append(part if inside else MENTION.sub(link, part))
    return "".join(out)


def add(author: User, subject: Any, body: str, *, reply_to: Comment | None = None) -> Comment:
    """`author`'s comment on `subject`, or an answer to `reply_to` there. Those named are
    told (`mentioned`), then the author of the comment answered (`comment_reply`), then
    whoever the policy says hears of every comment (`comment_on_yours`): once each."""
    policy = policy_for(subject)
    if not policy.can_see(author, subject):
        raise Refused("There is no such thing to comment on.", status=404, code="not_found")
    policy.check_open(subject)
    body = _clean(body)
    if reply_to is not None:
        reply_to = policy.answering(author, subject, reply_to)
    owners = list(policy.told(subject))  # asked once: for blocks, and told below
    blocks.refuse_if_blocked(
        [*(u.pk for u in owners), reply_to.author_id if reply_to else None],
        author,
        "comment here",
    )
    people = mentioned(body, subject, author)
    if people:  # each person named is a notification (maybe an email): counted apart
        ratelimit.hit("mention", f"user:{author.pk}", cost=len(people))
    with transaction.atomic():
        comment = Comment.objects.create(
            subject=subject,
            author=author,
            reply_to=reply_to,
            body=body,
            body_html=render_comment(body),
        )
        told = {author.pk}
        notify_many(people, "mentioned", actor=author, about=comment, thread=subject)
        told |= {u.pk for u in people}
        if (
            reply_to is not None
            and reply_to.author_id not in told
            and policy.can_see(reply_to.author, subject)
        ):
            notify(reply_to.author, "comment_reply", actor=author, about=comment, thread=subject)
            told.add(reply_to.author_id)
        for owner in owners:
            if owner.pk not in told:
                notify(owner, "comment_on_yours", actor=author, about=comment)
                told.add(owner.pk)
    return comment


def _require_live(comment: Comment) -> None:
    if comment.deleted_at is not None:
        raise Refused("That comment was deleted.", status=410, code="gone")


def edit(comment: Comment, *, by: User, body: str) -> Comment:
    """The author rewords it (while the subject takes comments); the page says it was
    edited."""
    if comment.author_id != by.pk:
        raise Refused("You can only edit your own comments.", status=403, code="forbidden")
    _require_live(comment)
    policy_for(comment.subject).check_open(comment.subject)
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
    """The author (or whoever the policy lets: the owner of a record's page) removes the
    words; the comment stays as "deleted" so that replies keep their place."""
    subject = comment.subject
    policy = policy_for(subject)
    if comment.author_id != by.pk and not policy.may_delete_any(by, subject):
        raise Refused("You can only delete your own comments.", status=403, code="forbidden")
    _require_live(comment)
    policy.check_open(subject)
    comment.body, comment.body_html, comment.deleted_at = "", "", timezone.now()
    comment.save(update_fields=["body", "body_html", "deleted_at"])


def take_down(comment: Comment) -> dict[str, str]:
    """Moderators remove the words (the moderation app decides who may); the comment
    keeps its place in its thread, shown as removed by moderators. What it said, for the
    audit log."""
    before = {"body": comment.body}
    comment.body, comment.body_html, comment.deleted_at = "", "", timezone.now()
    comment.removed_by_moderators = True
    comment.save(update_fields=["body", "body_html", "deleted_at", "removed_by_moderators"])
    return before


def restore(comment: Comment, body: str) -> None:
    """Give back the words `take_down` removed (an appeal granted)."""
    comment.body, comment.body_html = body, render_comment(body)
    comment.deleted_at, comment.removed_by_moderators = None, False
    comment.save(update_fields=["body", "body_html", "deleted_at", "removed_by_moderators"])


PAGE_SIZE = 20  # threads (a comment with its replies) per page, newest first
MAX_REPLIES = 50  # the newest replies shown under one comment on a page
FLAT_PAGE_SIZE = 50  # comments per page where replies are not nested (a proposal's)


def thread_page(
    subject: Any, *, before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[Comment], int | None]:
    """The newest `size` threads older than comment `before`, oldest first as they read,
    each with `.answers` (its newest MAX_REPLIES replies, in order); and the id to pass
    as `before` for the page of older threads, or None. Two queries however long the
    conversation."""
    # Top-level comments, by a test SQLite cannot answer from `reply_to`'s index. Its
    # statistics average the replies per comment and miss that most rows have no
    # `reply_to` at all, so `reply_to IS NULL` looked like a handful of rows: a page
    # with few comments walked every top-level comment of the site through that index.
    # This way both databases go through the subject's index (`comment_subject`).
    no_reply_to = Exact(Coalesce("reply_to_id", 0, output_field=BigIntegerField()), 0)
    tops = Comment.objects.on(subject).filter(no_reply_to).select_related("author")
    if before is not None:
        tops = tops.filter(pk__lt=before)
    rows = list(tops.order_by("-pk")[: size + 1])
    older = rows[size - 1].pk if len(rows) > size else None
    top = rows[:size][::-1]
    by_id = {c.pk: c for c in top}
    for c in top:
        c.answers = []  # type: ignore[attr-defined]
    if not top:
        return top, older  # no thread, no replies: the window query is not even built
    newest_first = Window(RowNumber(), partition_by=F("reply_to"), order_by=F("pk").desc())
    answers = (
        Comment.objects.filter(reply_to__in=list(by_id))
        .select_related("author")
        .annotate(rank=newest_first)
        .filter(rank__lte=MAX_REPLIES)
        .order_by("pk")
    )
    for a in answers:
        by_id[a.reply_to_id or 0].answers.append(a)  # type: ignore[attr-defined]
    return top, older


def flat_page(
    subject: Any, *, before: int | None = None, size: int = FLAT_PAGE_SIZE
) -> tuple[list[Comment], int | None]:
    """The newest `size` comments, replies among them, older than comment `before`,
    oldest first as they read, and the id to pass as `before` for the older ones (or
    None): one query."""
    found = Comment.objects.on(subject).select_related("author").order_by("-pk")
    if before is not None:
        found = found.filter(pk__lt=before)
    rows = list(found[: size + 1])
    older = rows[size - 1].pk if len(rows) > size else None
    return rows[:size][::-1], older
