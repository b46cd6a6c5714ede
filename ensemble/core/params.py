"""Whole numbers from query strings and forms, never a 500.

`str.isdigit` is true for "²" and "١٢" (which `int` rejects or reads as another number)
and says nothing of size (an id past 2**63 - 1 overflows the database's integer): every
view that reads a number from a request goes through `whole` (or `ids` for a list).
Path segments have the `<id:…>` converter and the API the `Id` type (`core.ids`).
"""

from __future__ import annotations

from typing import overload

from ensemble.core.ids import MAX_ID

MAX_DIGITS = len(str(MAX_ID))


@overload
def whole(raw: object) -> int | None: ...
@overload
def whole(raw: object, default: int) -> int: ...
def whole(raw: object, default: int | None = None) -> int | None:
    """`raw` as a non-negative int if it is plain ASCII digits a database integer holds,
    else `default`."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit():
        return default
    if len(raw) > MAX_DIGITS or int(raw) > MAX_ID:
        return default
    return int(raw)


def ids(raw: str) -> list[int] | None:
    """Comma-separated ids ("3, 5,8") as ints, or None if any part is not an id."""
    numbers = [whole(part.strip()) for part in raw.split(",") if part.strip()]
    if any(not number for number in numbers):  # not digits, too big, or 0
        return None
    return [number for number in numbers if number]


def page_number(raw: object, *, last: int) -> int:
    """A 1-based page number, 1 when absent or odd, at most `last`."""
    number = whole(raw, 1) or 1  # 0 is no page either
    return min(number, last)
