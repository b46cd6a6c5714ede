"""Who may comment on what, and what happens then: one `CommentPolicy` per kind of
subject, declared by the app that owns the subject.

Every comment goes through one service (`services.comments`) and one model
(`models.Comment`); what differs from one kind of subject to another is asked of its
policy:

- `can_see`: who may read the comments, comment, and be told of a mention;
- `check_open`: whether comments may be written or changed now (a window that closes);
- `answering`: which comment a reply joins, and who may reply;
- `told`: who hears of every comment (the owner of the page);
- `may_delete_any`: who may delete other people's comments;
- `page_url`: the page the comments are on (a comment's link is that page's anchor).

The base class is the open conversation of a community page: anyone who sees the page
comments and answers, an answer to an answer joins its thread, the page's owners are
told and may delete. Community registers it for records, projects and calls below;
payments registers its own for payment proposals (`payments/comment_policy.py`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from django.db.models import Model

from ensemble.core.refusals import Refused
from ensemble.projects import services as projects
from ensemble.projects.models import Call, Project
from ensemble.records import access
from ensemble.records.models import Record

if TYPE_CHECKING:
    from ensemble.accounts.models import User
    from ensemble.community.models import Comment


class CommentPolicy(ABC):
    """The rules of comments on one kind of subject (see the module)."""

    @abstractmethod
    def can_see(self, user: Any, subject: Any) -> bool:
        """Who may read the comments, comment, and be told of a mention."""

    def check_open(self, subject: Any) -> None:
        """Refuse (409) if the subject takes no comments, edits or deletions now."""
        return None  # a community page takes them at any time

    def answering(self, by: User, subject: Any, comment: Comment) -> Comment:
        """The comment a reply to `comment` joins (one level: an answer to an answer
        joins its thread), or a refusal."""
        if not comment.is_on(subject) or comment.deleted_at is not None:
            raise Refused("Answer a comment on the same page.", field="reply_to")
        return comment.reply_to or comment

    def told(self, subject: Any) -> list[User]:
        """Who hears of every comment on the subject (`comment_on_yours`)."""
        return []

    def may_delete_any(self, user: Any, subject: Any) -> bool:
        return getattr(user, "pk", None) in {u.pk for u in self.told(subject)}

    def page_url(self, subject: Any) -> str:
        url: str = subject.get_absolute_url()
        return url


_POLICIES: dict[type[Model], CommentPolicy] = {}


def register(model: type[Model], policy: CommentPolicy) -> None:
    """Comments on `model`'s rows follow `policy` (called by the app that owns it)."""
    _POLICIES[model] = policy


def policy_for(subject: Any) -> CommentPolicy:
    """The policy of the subject's kind; nothing else takes comments."""
    policy = _POLICIES.get(type(subject)._meta.concrete_model)
    if policy is None:
        raise LookupError(f"Nothing takes comments on {type(subject).__name__}.")
    return policy


class RecordComments(CommentPolicy):
    """A published record's page; its owner is told and may delete."""

    def can_see(self, user: Any, subject: Any) -> bool:
        return not subject.is_deleted and access.can_view(user, subject)

    def told(self, subject: Any) -> list[User]:
        return [subject.owner]


class ProjectComments(CommentPolicy):
    """A project's page; its owner is told and may delete."""

    def can_see(self, user: Any, subject: Any) -> bool:
        return projects.can_view_project(user, subject)

    def told(self, subject: Any) -> list[User]:
        return [subject.owner]


class CallComments(CommentPolicy):
    """A call's page: as visible as its project; the project's owner (or, for a call
    outside any project, whoever made it) is told and may delete."""

    def can_see(self, user: Any, subject: Any) -> bool:
        return subject.project is None or projects.can_view_project(user, subject.project)

    def told(self, subject: Any) -> list[User]:
        return [subject.project.owner if subject.project is not None else subject.created_by]


register(Record, RecordComments())
register(Project, ProjectComments())
register(Call, CallComments())
