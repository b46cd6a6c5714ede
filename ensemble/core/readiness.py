"""`/readyz`: whether this process can serve the site now, for load balancers and
monitors (`/healthz` only says that it answers). Each part it needs is tried for real,
quickly: the database answers a query, the cache keeps and returns a value, the folders
records, media and exports live in take a file, and the task queue's table is there
(with how many tasks wait, and since when, so a monitor sees workers that stopped).

Nothing secret is said: a failed check names the kind of error, never its message (a
database error can hold a host name or a user). Issue 19 adds object storage to it."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from redis.exceptions import RedisError


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _cache() -> dict[str, Any]:
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 10)
    kept = cache.get(key)
    cache.delete(key)
    if kept != value:
        raise LookupError("the cache did not keep a value")
    return {}


def _folders() -> dict[str, Any]:
    for root in (settings.RECORDS_ROOT, settings.MEDIA_ROOT, settings.EXPORTS_ROOT):
        folder = Path(root)
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".readyz-")
        os.close(handle)
        os.unlink(name)
    return {}


def _queue() -> dict[str, Any]:
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"backend": "immediate"}
    from django_tasks_db.models import DBTaskResult  # the database queue, when it is used

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {"waiting": waiting.count(), "oldest_seconds": round(age)}


# What a part that does not answer raises: the database's errors, the file system's,
# Redis's, and the cache that kept nothing (LookupError).
FAILURES = (DatabaseError, OSError, RedisError, LookupError)

CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "cache": _cache,
    "storage": _folders,
    "queue": _queue,
}


def report() -> tuple[bool, dict[str, Any]]:
    """(ready, {check: {"ok": bool, …what it found, or "error": the kind of error}})."""
    found: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            found[name] = {"ok": True, **check()}
        except FAILURES as error:  # the answer, named by its kind
            found[name] = {"ok": False, "error": type(error).__name__}
    return all(c["ok"] for c in found.values()), found
