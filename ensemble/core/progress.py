"""How long commands show what they are doing: a text progress bar, sizes people read."""

from __future__ import annotations


def progress_bar(done: int, total: int, width: int = 30) -> str:
    """`[#########.....] 7/12`: `done` of `total` (files, or bytes)."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


def readable_size(n: int) -> str:
    """A byte count as people read it: "1.5 GB", "800 KB", "12 bytes"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"
