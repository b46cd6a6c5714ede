"""A member's copy of everything they put in (the GDPR's right of access): a zip of JSON
files, one per section, and their files, built by the worker with its progress shown,
kept EXPORT_DAYS days for them alone, and announced when ready.

Accounts sits below the apps that hold the rest, so each app adds its own section from
its AppConfig.ready(): `register("records", collect)`, where `collect(user)` gives a
`Part` (what to write as JSON, the files to add, and notes for the README, such as the
versions still processing and so not in the export).

Steps of `build`: claim the export (one worker only); collect every section; write the
JSON and then each file into a zip on this machine, counting progress by files; keep it
in the exports area (ensemble.core.filestore: a folder, or a bucket); mark it ready and
tell the member. A failure marks it failed with the reason and removes the partial
file; an export a killed worker left half-built is marked failed by the sweeper
(`sweep`), so the member can ask again.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.tasks import task
from django.utils import timezone

from ensemble.accounts.models import DataExport, User
from ensemble.core import filestore, sweepers
from ensemble.core.ranged import content_disposition
from ensemble.core.refusals import Refused
from ensemble.notifications.services import notify

logger = logging.getLogger(__name__)
STUCK_AFTER = timedelta(hours=1)  # a build that long without finishing: its worker died
COPY_CHUNK = 1024 * 1024


@dataclass
class Part:
    data: Any
    # (name in the zip, name in the records area): read when the zip is written, so a
    # bucket's files stream through and never sit whole on this machine.
    files: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_sections: dict[str, Callable[[User], Part]] = {}


def register(name: str, collect: Callable[[User], Part]) -> None:
    if name in _sections and _sections[name] is not collect:
        raise ValueError(f"The export section {name!r} is registered twice.")
    _sections[name] = collect


def request(user: User) -> DataExport:
    """Start an export; Refused (409) while one is being made."""
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
    except IntegrityError:
        raise Refused(
            "Your data is being gathered already; it will be ready soon.",
            status=409,
            code="export_running",
        ) from None
    transaction.on_commit(lambda: build.enqueue(export.pk))
    return export


def download(export: DataExport) -> HttpResponseBase | None:
    """The export's zip for its owner (the caller checked who asks), or None when it is
    not ready or no longer kept: streamed from the folder, or a redirect to a link the
    bucket answers for a while, with the same file name."""
    area = filestore.exports
    if not export.downloadable or not export.file_name or not area.exists(export.file_name):
        return None
    name = f"{export.user.username}-data-{export.created_at:%Y-%m-%d}.zip"
    if area.is_local:
        return FileResponse(area.open(export.file_name), as_attachment=True, filename=name)
    link = area.signed_link(
        export.file_name,
        content_type="application/zip",
        disposition=content_disposition("attachment", name),
        cache_control="private, no-store",
    )
    answer = HttpResponseRedirect(link)
    answer["Cache-Control"] = "private, no-store"  # the link is theirs alone
    return answer


@task(queue_name="media")  # long work on files: beside processing, never before emails
def build(export_id: int) -> bool:
    claimed = DataExport.objects.filter(pk=export_id, state=DataExport.State.QUEUED).update(
        state=DataExport.State.BUILDING
    )
    if not claimed:
        return False  # built already, or being built by another worker
    export = DataExport.objects.select_related("user").get(pk=export_id)
    name = f"{secrets.token_hex(16)}.zip"
    try:
        with _partial_zip() as partial:
            _write(export, partial)
            size = filestore.exports.keep(partial, name)
    except Exception as error:
        DataExport.objects.filter(pk=export_id).update(
            state=DataExport.State.FAILED, error=str(error)[:2_000], finished_at=timezone.now()
        )
        logger.exception("Export %s failed", export_id)
        raise
    now = timezone.now()
    DataExport.objects.filter(pk=export_id).update(
        state=DataExport.State.READY,
        progress=100,
        finished_at=now,
        expires_at=now + timedelta(days=settings.EXPORT_DAYS),
        size=size,
        file_name=name,
    )
    notify(export.user, "export_ready", about=export)
    return True


@contextmanager
def _partial_zip() -> Iterator[Path]:
    """A temporary file to write the zip into, removed afterwards.

    Among the uploads' temporary files: beside the local folders, so keeping it there
    is a hard link (else a copy, under a name no row holds until it is whole), and
    cleared by the stale-uploads sweeper after a killed worker. Held open and locked
    meanwhile, so that sweeper never takes it from a build still writing or uploading.
    """
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix="export-", suffix=".zip") as handle:
        sweepers.hold_while_open(handle)
        yield Path(handle.name)


def _write(export: DataExport, target: Path) -> None:
    user = export.user
    parts = {name: collect(user) for name, collect in sorted(_sections.items())}
    files = [(arc, src) for part in parts.values() for arc, src in part.files]
    missing = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for section, part in parts.items():
            archive.writestr(f"{section}.json", json.dumps(part.data, indent=2, default=str))
        for done, (arc, src) in enumerate(files, start=1):
            if not _add_file(archive, src, f"files/{arc}"):
                missing.append(f"files/{arc}: removed while this was made, so not included.")
            if done % 10 == 0 or done == len(files):  # progress, without a write per file
                DataExport.objects.filter(pk=export.pk).update(
                    progress=min(99, 5 + 94 * done // len(files))
                )
        # Last, so that it can name the files that went missing meanwhile.
        archive.writestr("README.txt", _readme(user, parts, missing))


def _add_file(archive: zipfile.ZipFile, name: str, arc: str) -> bool:
    """Stream the records area's file `name` into the zip; False when it is gone."""
    size = filestore.records.size(name)
    if size is None:
        return False
    try:
        source = filestore.records.open(name)
    except filestore.FileMissing:
        return False
    # Zip64 where zipfile would choose it knowing the size (as `write` does): a long
    # video needs it, and plain entries suit older unzippers best.
    big = size * 1.05 > zipfile.ZIP64_LIMIT
    with source, archive.open(arc, "w", force_zip64=big) as out:
        shutil.copyfileobj(source, out, COPY_CHUNK)
    return True


def _readme(user: User, parts: dict[str, Part], missing: list[str]) -> str:
    notes = [f"- {note}" for part in parts.values() for note in part.notes]
    notes += [f"- {note}" for note in missing]
    lines = [
        f"Everything @{user.username} put into {settings.SITE_NAME}, as of "
        f"{timezone.now():%Y-%m-%d %H:%M} UTC.",
        "",
        "Each .json file is one part of it (names are in the file); files/ holds the "
        "originals of every version of your records.",
        *(["", "Notes:", *notes] if notes else []),
        "",
    ]
    return "\n".join(lines)


def sweep() -> int:
    """Remove expired exports' files; fail builds a dead worker left. How many changed."""
    now = timezone.now()
    stuck = DataExport.objects.filter(
        state__in=[DataExport.State.QUEUED, DataExport.State.BUILDING],
        created_at__lt=now - STUCK_AFTER,
    ).update(state=DataExport.State.FAILED, error="Interrupted: ask again.", finished_at=now)
    expired = list(
        DataExport.objects.filter(state=DataExport.State.READY, expires_at__lt=now).exclude(
            file_name=""
        )
    )
    for export in expired:
        filestore.exports.remove(export.file_name)
    DataExport.objects.filter(pk__in=[e.pk for e in expired]).update(file_name="")
    return stuck + len(expired)


def _account(user: User) -> Part:
    """Accounts' own section: the profile, the API tokens (never their secrets) and the
    people blocked."""
    tokens = user.access_tokens.values("name", "hint", "created_at", "last_used_at", "revoked_at")
    return Part(
        {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "bio": user.bio,
            "links": user.links,
            "skills": [s.value for s in user.skill_list()],
            "date_joined": user.date_joined,
            "tokens": list(tokens),
            "blocked": list(user.blocks_made.values_list("blocked__username", flat=True)),
        }
    )


register("account", _account)
