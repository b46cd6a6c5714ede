"""Cursor pagination for API lists: stable under inserts, constant cost per page.

The cursor is an opaque, signed token holding the last row's id; pages are ordered by
id descending (newest first). Signing keeps clients from forging cursors that would
make us run odd queries, and lets us change the format later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Model, QuerySet

_SALT = "ensemble.pagination"
MAX_LIMIT = 100


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return signing.dumps(last_id, salt=_SALT, compress=True)


def decode_cursor(cursor: str) -> int:
    try:
        value = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature:
        raise BadCursor("This cursor is not valid; start again from the first page.") from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadCursor("This cursor is not valid; start again from the first page.")
    return value


def paginate[M: Model](queryset: QuerySet[M], *, cursor: str | None, limit: int) -> Page:
    """Return up to `limit` rows after `cursor`, newest first, and the next cursor."""
    limit = max(1, min(limit, MAX_LIMIT))
    queryset = queryset.order_by("-pk")
    if cursor:
        queryset = queryset.filter(pk__lt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].pk) if more else None)


def numbered[M: Model](queryset: QuerySet[M], *, page: int, size: int) -> tuple[list[M], bool]:
    """Page `page` (from 1) of an ordered queryset, and whether another page follows:
    for orders a cursor cannot hold (trending, deadlines). One row more is read to know."""
    rows = list(queryset[(page - 1) * size : page * size + 1])
    return rows[:size], len(rows) > size
