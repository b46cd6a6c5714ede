"""Processing versions in the worker: claim, derive renditions, finish; recover stalls.

A version moves uploaded → processing → ready | failed (`Version.TRANSITIONS`), each move
one conditional UPDATE (`Version.move`). The task claims it and sends heartbeats while it
works; if the worker dies, `requeue_stalled` (run by every worker, every minute or so)
sees the heartbeat stop and queues the version again, up to `Version.MAX_ATTEMPTS` tries;
the next attempt removes the partial renditions the killed ones left. Where the files are
read and written (local folders or a bucket) is `records.workspace`'s business.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from ensemble.core import filestore
from ensemble.notifications.services import notify
from ensemble.records import events, indexing, storage, workspace
from ensemble.records.intake import limits
from ensemble.records.media.base import Detected, MediaError, Progress, Result
from ensemble.records.models import Record, Rendition, Version

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
INTERNAL_FAILURE = (
    "Something went wrong on our side while processing this file. It has been logged; "
    "try uploading it again later."
)


def stall_after() -> timedelta:
    return timedelta(seconds=settings.PROCESSING_STALL_SECONDS)


def enqueue(version: Version) -> None:
    """Queue processing once the version's transaction has committed."""
    version_id = version.pk
    transaction.on_commit(lambda: process_version.enqueue(version_id))


@task(queue_name="media")
def process_version(version_id: int) -> str:
    """The worker's entry point: takes an id, never a model instance."""
    return run(version_id)


def processor_for(kind: str) -> ModuleType:
    return importlib.import_module(f"ensemble.records.media.processors.{kind}")


def detected(version: Version) -> Detected:
    """What intake found, rebuilt from the version row for the processor."""
    kind = version.record.kind
    family = "av" if kind in ("audio", "video") else kind
    return Detected(
        family=family,  # type: ignore[arg-type]
        fmt=version.fmt,
        mime=version.mime,
        label=version.label,
        extension=version.extension,
    )


def run(version_id: int) -> str:
    """Process one version if it is free to claim; returns what happened, for the log."""
    attempt = Version.claim(version_id, stale_after=stall_after())
    if attempt is None:
        return "not claimed: finished, or another worker has it"
    version = Version.objects.select_related("record__owner").get(pk=version_id)
    if version.purged_at is not None:
        _fail(version, attempt, "The record was deleted before its file was processed.")
        return "failed: deleted"
    if attempt > Version.MAX_ATTEMPTS:
        _fail(
            version,
            attempt,
            f"Processing stopped before finishing {Version.MAX_ATTEMPTS} times; the file may "
            "need more memory or time than this server allows.",
        )
        return "failed: too many attempts"
    try:
        with workspace.claimed(version, attempt) as (original, work):
            result = processor_for(version.record.kind).process(
                original, detected(version), work, limits(), beater(version.beat)
            )
            # An original sent straight to the bucket (records.direct) was never read
            # whole by the site: its digest is taken here, where it is.
            digest = version.sha256 or file_sha256(original)
            finished = _finish(version, attempt, result, digest)
    except MediaError as error:
        _fail(version, attempt, error.message)
        return f"failed: {error.message}"
    except filestore.StoreUnavailable:
        # Not the file's fault: the version stays claimed, its heartbeat stops, and
        # `requeue_stalled` tries again later (up to Version.MAX_ATTEMPTS in all).
        logger.warning("Version %s waits: the file store did not answer", version_id)
        return "waiting: the file store did not answer"
    except Exception:
        logger.exception("Processing version %s failed", version_id)
        _fail(version, attempt, INTERNAL_FAILURE)
        return "failed: internal error"
    if not finished:
        return "dropped: the version was deleted or taken over while it was processed"
    if version.number == 1:
        record = Record.objects.select_related("owner").get(pk=version.record_id)
        for hook in events.version_ready:
            try:
                hook(record)
            except Exception:  # the version is ready whatever another app makes of it
                logger.exception("A hook on record %s being ready failed", record.pk)
    return "ready"


def beater(beat: Callable[[float], None]) -> Progress:
    """`beat(fraction)` (a heartbeat with the progress: `Version.beat`, a timeline's
    `Render.beat`) at most every HEARTBEAT_SECONDS, however often the work reports."""
    last = 0.0

    def progress(fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= HEARTBEAT_SECONDS:
            last = now
            beat(fraction)

    return progress


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _finish(version: Version, attempt: int, result: Result, sha256: str = "") -> bool:
    """Mark the version ready with its renditions, atomically, if it is still this
    attempt's and its record was not deleted meanwhile.

    The renditions are stored first (an upload to a bucket must not hold the
    transaction's locks), under names of this attempt's own; if the version turns out not
    to be this attempt's any more, they are removed again.
    """
    stored = workspace.store_renditions(version, attempt, result.renditions)
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=version.record_id)
        finished = Version.move(
            version.pk,
            Version.State.READY,
            only=Version.mine(attempt) & Q(purged_at__isnull=True),
            progress=100,
            ready_at=timezone.now(),
            metadata=result.metadata,
            body_html=result.html or "",
            failure_reason="",
            **({"sha256": sha256} if sha256 else {}),
        )
        if finished:
            workspace.settle(version, stored)
            version.renditions.all().delete()
            Rendition.objects.bulk_create(
                Rendition(
                    version=version,
                    role=made.role,
                    file=name,
                    content_type=made.content_type,
                    size=size,
                    width=made.width,
                    height=made.height,
                )
                for made, name, size in stored
            )
            current = record.current_version
            if current is None or current.number < version.number:
                record.current_version = version
                record.save(update_fields=["current_version"])
                if record.is_public:  # a new text is found by its words
                    indexing.reindex(record)
    if not finished:
        workspace.discard(version, stored)
    return bool(finished)


def _fail(version: Version, attempt: int, reason: str) -> None:
    """Mark the version failed with the reason, if it is still this attempt's.

    Its file goes, and its bytes go back to the owner's quota: a failed upload cannot be
    shown or used, and would otherwise hold quota for good. The owner is told why.
    """
    already_purged = version.purged_at is not None
    with transaction.atomic():
        failed = Version.move(
            version.pk,
            Version.State.FAILED,
            only=Version.mine(attempt),
            failure_reason=reason,
            progress=0,
            purged_at=version.purged_at or timezone.now(),
        )
        if not failed or already_purged:
            return  # taken over by another worker, or deleted with its record (quota freed)
        storage.release(version.record.owner_id, version.size)
        folder = version.folder
        transaction.on_commit(lambda: storage.remove_folder(folder))
        notify(version.uploaded_by, "processing_failed", about=version)


def requeue_stalled(now: datetime | None = None) -> int:
    """Queue again the versions whose worker stopped: killed, out of memory, machine lost.

    A version in `processing` whose heartbeat stopped is free to claim; one still
    `uploaded` long after it was queued lost its task (the process died between the
    commit and the enqueue). A duplicate task is harmless: only one can claim.
    """
    now = now or timezone.now()
    stale = now - stall_after()
    lost = now - stall_after() * 30
    ids = list(
        Version.objects.filter(
            Q(state=Version.State.PROCESSING, heartbeat_at__lt=stale)
            | Q(state=Version.State.UPLOADED, created_at__lt=lost)
        ).values_list("pk", flat=True)[:500]
    )
    for version_id in ids:
        process_version.enqueue(version_id)
    if ids:
        logger.warning("Requeued %d stalled version(s): %s", len(ids), ids)
    return len(ids)
