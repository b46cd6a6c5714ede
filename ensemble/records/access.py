"""Who may see and change a record. One place, used by pages, API and media alike."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from ensemble.core.prefetch import related
from ensemble.records.models import CoCreator, Record

_SEES_DRAFTS = (CoCreator.State.INVITED, CoCreator.State.ACCEPTED)
MODERATE = "moderation.moderate"


def _member_id(user: Any) -> int | None:
    """The member's id; None for a visitor, and for "any member", the stand-in shared
    fragments are rendered for (core.fragments), who owns and co-creates nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    return int(user.pk)


def cocreator_states(record: Record) -> dict[int, str]:
    """user id → invitation state, from the prefetched co-creators when there are some."""
    return {c.user_id: c.state for c in related(record, "cocreators")}


def can_view(user: Any, record: Record) -> bool:
    """Public records are for everyone; drafts for the owner and invited co-creators;
    one hidden by moderators for its owner and the moderators."""
    if record.is_deleted:
        return False
    if record.visibility == Record.Visibility.PUBLIC:
        return True
    uid = _member_id(user)
    if uid is None:
        return False
    if record.visibility == Record.Visibility.HIDDEN:
        # The moderation app's permission, by name: records knows no moderation code.
        return uid == record.owner_id or bool(user.is_active and user.has_perm(MODERATE))
    return uid == record.owner_id or cocreator_states(record).get(uid) in _SEES_DRAFTS


def can_view_or_tombstone(user: Any, record: Record) -> bool:
    """A deleted record's tombstone shows only what was once public (or to its owner):
    a draft deleted before anyone saw it stays unknown."""
    if record.is_deleted:
        return record.published_at is not None or is_owner(user, record)
    return can_view(user, record)


def is_creator(user: Any, record: Record) -> bool:
    """The owner or an accepted co-creator: may download every version's original."""
    uid = _member_id(user)
    if uid is None:
        return False
    return uid == record.owner_id or cocreator_states(record).get(uid) == "accepted"


def touches(user: Any, record: Record) -> bool:
    """Whether the record's page shows this member something it shows no other: its
    owner, and anyone invited to co-create it, whatever they answered (from the
    prefetched co-creators)."""
    uid = _member_id(user)
    return uid is not None and (uid == record.owner_id or uid in cocreator_states(record))


def is_owner(user: Any, record: Record) -> bool:
    return _member_id(user) == record.owner_id


def require_owner(user: Any, record: Record) -> None:
    """Only the owner changes a record. Others learn nothing more than a 404 would tell."""
    from ensemble.core.refusals import Refused

    if record.is_deleted:
        raise Refused("This record was deleted.", status=410, code="gone")
    if not is_owner(user, record):
        if can_view(user, record):
            raise Refused("Only the record's owner can do that.", status=403, code="forbidden")
        raise Http404
