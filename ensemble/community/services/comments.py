"""Comments on records, projects and calls: one level of replies, edit and delete your
own, @mentions that notify. Only on what the author can see, and only people who can
see it are told."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.community.models import Comment
from ensemble.core import ratelimit
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.notifications.services import notify, notify_many
from ensemble.projects import services as projects
from ensemble.projects.models import Call, Project
from ensemble.records import access
from ensemble.records.models import Record

MAX_LENGTH = 5_000
MAX_MENTIONS = 10  # more is a mass notification, not a conversation
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.+-]{1,150})")

Target = Record | Project | Call


def can_see(user: Any, target: Target) -> bool:
    if isinstance(target, Record):
        return not target.is_deleted and access.can_view(user, target)
    project = target if isinstance(target, Project) else target.project
    return project is None or projects.can_view_project(user, project)


def _owners(target: Target) -> list[User]:
    if isinstance(target, Record):
        return [target.owner]
    project = target if isinstance(target, Project) else target.project
    return [project.owner] if project is not None else [target.created_by]  # type: ignore[union-attr]


def _clean(body: str) -> str:
    body = checked_text((body or "").strip(), field="body", label="comment", multiline=True)
    if not body:
        raise Refused("Write something first.", field="body")
    if len(body) > MAX_LENGTH:
        raise Refused(f"A comment can be at most {MAX_LENGTH:,} characters.", field="body")
    return body


def mentioned_in(body: str, author: User, can_see: Callable[[User], bool]) -> list[User]:
    """Members named with @username who exist and may see where the text is (unknown
    names are just text); at most MAX_MENTIONS. Other apps' comments use it too (a
    payment proposal's)."""
    names = {m.rstrip(".") for m in MENTION.findall(body)}
    if not names:
        return []
    found = [
        u
        for u in User.objects.filter(username__in=list(names)[: MAX_MENTIONS * 2], is_active=True)
        if u.pk != author.pk and can_see(u)
    ]
    return found[:MAX_MENTIONS]


_TAG = re.compile(r"(<[^>]*>)")
_NOT_LINKED_INSIDE = {"a", "code", "pre"}


def render_comment(body: str) -> str:
    """The comment as sanitized HTML, with each @mention of a member linked to their
    profile (not inside links or code). Unknown names stay text. Other apps' comments
    use it too (a payment proposal's)."""
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


def mentioned(body: str, target: Target, author: User) -> list[User]:
    return mentioned_in(body, author, lambda user: can_see(user, target))


def add(author: User, target: Target, body: str, *, reply_to: Comment | None = None) -> Comment:
    if not can_see(author, target):
        raise Refused("There is no such thing to comment on.", status=404, code="not_found")
    body = _clean(body)
    if reply_to is not None:
        if reply_to.target != target or reply_to.deleted_at is not None:
            raise Refused("Answer a comment on the same page.", field="reply_to")
        if reply_to.reply_to_id is not None:
            reply_to = reply_to.reply_to  # one level: answer the thread
    fields = _on(target)
    people = mentioned(body, target, author)
    if people:  # each person named is a notification (maybe an email): counted apart
        ratelimit.hit("mention", f"user:{author.pk}", cost=len(people))
    with transaction.atomic():
        comment = Comment.objects.create(
            author=author,
            reply_to=reply_to,
            body=body,
            body_html=render_comment(body),
            **fields,
        )
        told = {author.pk}
        notify_many(people, "mentioned", actor=author, about=comment, thread=target)
        told |= {u.pk for u in people}
        if (
            reply_to is not None
            and reply_to.author_id not in told
            and can_see(reply_to.author, target)
        ):
            notify(reply_to.author, "comment_reply", actor=author, about=comment, thread=target)
            told.add(reply_to.author_id)
        for owner in _owners(target):
            if owner.pk not in told:
                notify(owner, "comment_on_yours", actor=author, about=comment)
    return comment


def edit(comment: Comment, *, by: User, body: str) -> Comment:
    if comment.author_id != by.pk:
        raise Refused("You can only edit your own comments.", status=403, code="forbidden")
    if comment.deleted_at is not None:
        raise Refused("That comment was deleted.", status=410, code="gone")
    body = _clean(body)
    html, now = render_comment(body), timezone.now()
    # Only while not deleted, in one statement: a deletion racing this edit wins.
    live = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True)
    if not live.update(body=body, body_html=html, edited_at=now):
        raise Refused("That comment was deleted.", status=410, code="gone")
    comment.body, comment.body_html, comment.edited_at = body, html, now
    return comment


def delete(comment: Comment, *, by: User) -> None:
    """The author (or the target's owner, for their own page) removes the words; the
    comment stays as "deleted" so that replies keep their place."""
    owners = {u.pk for u in _owners(comment.target)}  # type: ignore[arg-type]
    if comment.author_id != by.pk and by.pk not in owners:
        raise Refused("You can only delete your own comments.", status=403, code="forbidden")
    comment.body, comment.body_html, comment.deleted_at = "", "", timezone.now()
    comment.save(update_fields=["body", "body_html", "deleted_at"])


PAGE_SIZE = 20  # threads (a comment with its replies) per page, newest first
MAX_REPLIES = 50  # the newest replies shown under one comment on a page


def _on(target: Target) -> dict[str, Target]:
    return {type(target).__name__.lower(): target}


def thread_page(
    target: Target, *, before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[Comment], int | None]:
    """The newest `size` threads older than comment `before`, oldest first as they read,
    each with `.answers` (its newest MAX_REPLIES replies, in order); and the id to pass
    as `before` for the page of older threads, or None. Two queries however long the
    conversation."""
    tops = Comment.objects.filter(**_on(target), reply_to__isnull=True).select_related("author")
    if before is not None:
        tops = tops.filter(pk__lt=before)
    rows = list(tops.order_by("-pk")[: size + 1])
    older = rows[size - 1].pk if len(rows) > size else None
    top = rows[:size][::-1]
    by_id = {c.pk: c for c in top}
    for c in top:
        c.answers = []  # type: ignore[attr-defined]
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
