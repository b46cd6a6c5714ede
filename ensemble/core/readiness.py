"""`/readyz`: whether this process can serve the site now, for load balancers and
monitors (`/healthz` only says that it answers). Each part it needs is tried for real,
quickly: the database answers a query, the cache keeps and returns a value, each area of
files (ensemble.core.filestore) is there to write to (a folder takes a file; a bucket
answers), and the task queue's table is there (with how many tasks wait, and since when,
so a monitor sees workers that stopped).

Nothing secret is said: a failed check names the kind of error, never its message (a
database error can hold a host name or a user; a store's, its address)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from redis.exceptions import RedisError

from ensemble.core import filestore, redisqueue


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


def _storage() -> dict[str, Any]:
    for area in filestore.AREAS:
        if area.is_local:
            _take_a_file(area.root)
        else:
            area.check()
    return {}


def _take_a_file(folder: Path) -> None:
    """A folder takes a file (made first if need be). Not `Area.check()`, whose
    os.access() says yes to a file where the folder should be, and no to a folder
    not made yet, which the first upload would make."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".readyz-")
    os.close(handle)
    os.unlink(name)


def _queue() -> dict[str, Any]:
    if redisqueue.in_use():
        count, age = redisqueue.waiting()
        return {"backend": "rq", "waiting": count, "oldest_seconds": round(age)}
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"backend": "immediate"}
    from django_tasks_db.models import DBTaskResult  # the database queue, when it is used

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {"waiting": waiting.count(), "oldest_seconds": round(age)}


# What a part that does not answer raises: the database's errors, the file system's,
# Redis's, the cache that kept nothing (LookupError), and botocore's: a store that does
# not answer (BotoCoreError: EndpointConnectionError, ConnectTimeoutError…) or answers
# no (ClientError: a missing bucket, refused keys).
FAILURES = (DatabaseError, OSError, RedisError, LookupError, BotoCoreError, ClientError)

CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "queue": _queue,
}


def report() -> tuple[bool, dict[str, Any]]:
    """(ready, {check: {"ok": bool, …what it found, or "error": the kind of error}})."""
    found: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            found[name] = {"ok": True, **check()}
        except FAILURES as error:  # the answer, named by its kind
            found[name] = {"ok": False, "error": _kind(error)}
    return all(c["ok"] for c in found.values()), found


def _kind(error: Exception) -> str:
    """The error's class; for a store's refusal, with its S3 code too (NoSuchBucket,
    AccessDenied, 404 for a HEAD), since "ClientError" alone says nothing."""
    if isinstance(error, ClientError):
        return f"ClientError: {error.response.get('Error', {}).get('Code', '?')}"
    return type(error).__name__
