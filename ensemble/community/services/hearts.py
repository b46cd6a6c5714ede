"""Hearts: one per member per record, undo allowed, never on your own work."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from ensemble.accounts import blocks
from ensemble.accounts.models import User
from ensemble.community.models import Heart
from ensemble.core.refusals import Refused
from ensemble.records import access
from ensemble.records.models import Record


def _hearable(user: User, record: Record) -> None:
    if record.is_deleted or not access.can_view(user, record):
        raise Refused("There is no such record.", status=404, code="not_found")
    if not record.is_public:
        raise Refused("Drafts take no hearts: publish it first.", status=409, code="draft")
    if access.is_creator(user, record):
        raise Refused("You cannot heart your own work.", status=409, code="own_work")
    blocks.refuse_if_blocked([record.owner_id], user, "heart this record")


def heart(user: User, record: Record) -> bool:
    """Heart a record; False if it was hearted already (nothing changes)."""
    _hearable(user, record)
    try:
        with transaction.atomic():
            Heart.objects.create(user=user, record=record)
            Record.objects.filter(pk=record.pk).update(heart_count=F("heart_count") + 1)
    except IntegrityError:
        return False  # the unique constraint: one heart per person, even racing
    return True


def unheart(user: User, record: Record) -> bool:
    """Take a heart back; False if there was none."""
    with transaction.atomic():
        removed, _ = Heart.objects.filter(user=user, record=record).delete()
        if removed:
            Record.objects.filter(pk=record.pk, heart_count__gt=0).update(
                heart_count=F("heart_count") - 1
            )
    return bool(removed)


def has_hearted(user: Any, record_ids: list[int]) -> set[int]:
    """Which of these records the member hearted: one query for a whole grid."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Heart.objects.filter(user=user, record_id__in=record_ids).values_list(
            "record_id", flat=True
        )
    )
