"""What can be reported, one kind at a time: how to find it for someone who may see it,
whose it is, what it is called and where it is shown.

`find` is for members reporting (what they cannot see does not exist for them: 404);
`load` is for moderators, who see what was reported whatever became of it since."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.text import Truncator

from ensemble.accounts.models import User
from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.moderation.models import Kind
from ensemble.projects.models import Call, Project
from ensemble.projects.services.access import can_view_project
from ensemble.records import access
from ensemble.records.models import Record


@dataclass(frozen=True)
class Target:
    kind: str
    obj: Any
    owner_id: int | None
    label: str  # how it is named to the reporter and the moderators
    url: str | None  # its page, when it has one

    @property
    def gone(self) -> bool:
        """Removed or deleted since: nothing left to act on."""
        return getattr(self.obj, "deleted_at", None) is not None


def _record(obj: Record) -> Target:
    return Target(Kind.RECORD, obj, obj.owner_id, obj.title, obj.get_absolute_url())


def _comment(obj: Comment) -> Target:
    words = Truncator(obj.body).chars(80) if obj.deleted_at is None else "a deleted comment"
    subject = obj.subject
    url = obj.get_absolute_url() if subject is not None else None
    return Target(Kind.COMMENT, obj, obj.author_id, f"“{words}”", url)


def _member(obj: User) -> Target:
    return Target(Kind.MEMBER, obj, obj.pk, obj.name_with_handle, obj.get_absolute_url())


def _project(obj: Project) -> Target:
    return Target(Kind.PROJECT, obj, obj.owner_id, obj.title, obj.get_absolute_url())


def _call(obj: Call) -> Target:
    owner = obj.project.owner_id if obj.project is not None else obj.created_by_id
    return Target(Kind.CALL, obj, owner, obj.title, obj.get_absolute_url())


@dataclass(frozen=True)
class _Spec:
    rows: Callable[[], Any]
    visible: Callable[[Any, Any], bool]
    describe: Callable[[Any], Target]


_SPECS: dict[str, _Spec] = {
    Kind.RECORD: _Spec(
        lambda: Record.objects.select_related("owner").prefetch_related("cocreators"),
        lambda viewer, r: access.can_view(viewer, r),
        _record,
    ),
    Kind.COMMENT: _Spec(
        lambda: Comment.objects.select_related("author"),
        lambda viewer, c: c.deleted_at is None and comments.can_see(viewer, c.subject),
        _comment,
    ),
    Kind.MEMBER: _Spec(
        lambda: User.objects.all(),
        lambda viewer, u: u.is_active,
        _member,
    ),
    Kind.PROJECT: _Spec(
        lambda: Project.objects.all(),
        lambda viewer, p: can_view_project(viewer, p),
        _project,
    ),
    Kind.CALL: _Spec(
        lambda: Call.objects.select_related("project"),
        lambda viewer, c: comments.can_see(viewer, c),
        _call,
    ),
}


def find(kind: str, target_id: int | None, viewer: Any) -> Target:
    """The thing as `viewer` may see it, or Http404: a kind we do not know, an id that is
    not one, a thing that is gone or that they may not see are all the same to them."""
    spec = _SPECS.get(kind)
    if spec is None or target_id is None:
        raise Http404
    obj = spec.rows().filter(pk=target_id).first()
    if obj is None or not spec.visible(viewer, obj):
        raise Http404
    return spec.describe(obj)


def load(kind: str, target_id: int) -> Target | None:
    """The thing, whatever its state, for moderators; None if it no longer exists."""
    spec = _SPECS[kind]
    obj = spec.rows().filter(pk=target_id).first()
    return None if obj is None else spec.describe(obj)
