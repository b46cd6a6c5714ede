"""Whole numbers from query strings and forms, never a 500.

`str.isdigit` is true for "²" and "١٢" (which `int` rejects or reads as another number)
and says nothing of size (an id past 2**63 overflows the database's integer): every view
that reads a number from a request goes through `whole`.
"""

from __future__ import annotations

from typing import overload

MAX_DIGITS = 18  # below 2**63: safe for every integer column


@overload
def whole(raw: object) -> int | None: ...
@overload
def whole(raw: object, default: int) -> int: ...
def whole(raw: object, default: int | None = None) -> int | None:
    """`raw` as a non-negative int if it is plain ASCII digits (at most 18), else
    `default`."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit():
        return default
    if len(raw) > MAX_DIGITS:
        return default
    return int(raw)


def page_number(raw: object, *, last: int) -> int:
    """A 1-based page number, 1 when absent or odd, at most `last`."""
    number = whole(raw, 1) or 1  # 0 is no page either
    return min(number, last)
