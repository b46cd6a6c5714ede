"""A member's copy of everything they put in (the GDPR's right of access): a zip of JSON
files, one per section, and their files, built by the worker with its progress shown,
kept EXPORT_DAYS days for them alone, and announced when ready.

Accounts sits below the apps that hold the rest, so each app adds its own section from
its AppConfig.ready(): `register("records", collect)`, where `collect(user)` gives a
`Part` (what to write as JSON, the files to add, and notes for the README, such as the
versions still processing and so not in the export).

Steps of `build`: claim the export (one worker only); collect every section; write the
JSON and then each file into a zip beside its final name, counting progress by files;
rename it into place; mark it ready and tell the member. A failure marks it failed with
the reason and removes the partial file; an export a killed worker left half-built is
marked failed by the sweeper (`sweep`), so the member can ask again.
"""

from __future__ import annotations

import json
import logging
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from ensemble.accounts.models import DataExport, User
from ensemble.core.refusals import Refused
from ensemble.notifications.services import notify

logger = logging.getLogger(__name__)
STUCK_AFTER = timedelta(hours=1)  # a build that long without finishing: its worker died


@dataclass
class Part:
    data: Any
    files: list[tuple[str, Path]] = field(default_factory=list)  # (name in the zip, file)
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


def path_of(export: DataExport) -> Path:
    return Path(settings.EXPORTS_ROOT) / export.file_name


@task
def build(export_id: int) -> bool:
    claimed = DataExport.objects.filter(pk=export_id, state=DataExport.State.QUEUED).update(
        state=DataExport.State.BUILDING
    )
    if not claimed:
        return False  # built already, or being built by another worker
    export = DataExport.objects.select_related("user").get(pk=export_id)
    root = Path(settings.EXPORTS_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.zip"
    partial = root / f"{name}.part"
    try:
        _write(export, partial)
        partial.rename(root / name)
    except Exception as error:
        partial.unlink(missing_ok=True)
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
        size=(root / name).stat().st_size,
        file_name=name,
    )
    notify(export.user, "export_ready", about=export)
    return True


def _write(export: DataExport, target: Path) -> None:
    user = export.user
    parts = {name: collect(user) for name, collect in sorted(_sections.items())}
    files = [(arc, src) for part in parts.values() for arc, src in part.files]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user, parts))
        for section, part in parts.items():
            archive.writestr(f"{section}.json", json.dumps(part.data, indent=2, default=str))
        for done, (arc, src) in enumerate(files, start=1):
            archive.write(src, f"files/{arc}")
            if done % 10 == 0 or done == len(files):  # progress, without a write per file
                DataExport.objects.filter(pk=export.pk).update(
                    progress=min(99, 5 + 94 * done // len(files))
                )


def _readme(user: User, parts: dict[str, Part]) -> str:
    notes = [f"- {note}" for part in parts.values() for note in part.notes]
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
        path_of(export).unlink(missing_ok=True)
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
