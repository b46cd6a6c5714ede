"""Periodic recovery checks that the worker runs (see `ensemble worker`).

An app registers a function from its AppConfig.ready(); each must be cheap when there
is nothing to do, safe to run in several workers at once, and return how many things
it recovered. Core never imports the apps: they come to it.

Core's own sweeper removes what uploads left in UPLOAD_TEMP_DIR when the web process
receiving them was killed. A file being written is locked (`hold_while_open`, flock: the
kernel drops the lock when its process dies, however it dies), so only a dead upload's
file can be taken, and only once it is UPLOAD_STALE_SECONDS old.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings

logger = logging.getLogger(__name__)

_sweepers: dict[str, Callable[[], int]] = {}


def register(name: str, sweep: Callable[[], int]) -> None:
    _sweepers[name] = sweep


def run_all() -> dict[str, int]:
    """Run every sweeper; one failing is logged and does not stop the others."""
    results: dict[str, int] = {}
    for name, sweep in _sweepers.items():
        try:
            results[name] = sweep()
        except Exception:
            logger.exception("Sweeper %s failed", name)
    return results


def hold_while_open(handle: IO[Any]) -> None:
    """Mark a temporary file as in use for as long as `handle` stays open."""
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_stale_uploads(now: float | None = None) -> int:
    """Delete files in UPLOAD_TEMP_DIR older than UPLOAD_STALE_SECONDS that nobody holds."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    stale_before = (now or time.time()) - settings.UPLOAD_STALE_SECONDS
    removed = 0
    for path in folder.iterdir() if folder.is_dir() else ():
        try:
            if not path.is_file() or path.stat().st_mtime > stale_before:
                continue
            with path.open("rb") as handle:
                try:
                    hold_while_open(handle)
                except BlockingIOError:
                    continue  # an upload still arriving, or a request still using it
                path.unlink()
        except FileNotFoundError:
            continue  # its request finished and removed it meanwhile
        removed += 1
    if removed:
        logger.warning("Removed %d upload(s) left behind by a stopped web process", removed)
    return removed


register("core.stale_uploads", remove_stale_uploads)
