"""Copying a site's files to another store: local folders to a bucket, or back.

`ensemble storage migrate --to s3://…` (or `--to local`) copies every file of the three
areas from where the site keeps them now (STORAGE_URL, or the folders) to the other
store, then checks that every file is there with its size. It is resumable: a file
already there with the same size is not sent again, so running it again after an
interruption (or while the site still runs, to catch what arrived meanwhile) only copies
what is missing. It never deletes: the operator switches STORAGE_URL, restarts, and
removes the old copy when satisfied.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

from ensemble.core import filestore
from ensemble.core.filestore import Area, BucketStorage
from ensemble.core.storage_url import storages_from_url

# Files a store holds that are nobody's to copy: a worker's partial renditions (local
# `work-N/` folders) and an export still being written.
_PASSING = ("work-",)


class MigrationRefused(Exception):
    """The migration cannot start: the sentence says why. Nothing was copied."""


@dataclass
class Plan:
    """What one area needs: every file and its size, and those the target lacks."""

    source: Area
    target: Area
    files: dict[str, int]
    missing: dict[str, int] = field(default_factory=dict)


def targets(to: str) -> list[tuple[Area, Area]]:
    """(the site's area, the same area in the store `to` names), for the three areas."""
    here = bool(settings.STORAGE_URL)
    if to == "local":
        if not here:
            raise MigrationRefused("The files are in local folders already (STORAGE_URL is unset).")
        roots = {area.alias: Path(getattr(settings, area.root_setting)) for area in filestore.AREAS}
        return [
            (area, area.elsewhere(FileSystemStorage(location=str(roots[area.alias]))))
            for area in filestore.AREAS
        ]
    if to.split("?")[0] == settings.STORAGE_URL.split("?")[0]:
        raise MigrationRefused("That is where the files are already (it is STORAGE_URL).")
    try:
        entries = storages_from_url("--to", to, roots={}, media_url=settings.MEDIA_URL)
    except ImproperlyConfigured as error:
        raise MigrationRefused(str(error)) from None
    return [
        (area, area.elsewhere(BucketStorage(**entries[area.alias]["OPTIONS"])))
        for area in filestore.AREAS
    ]


def plan(pairs: list[tuple[Area, Area]]) -> list[Plan]:
    """List both sides once: what each area holds, and what its target lacks."""
    plans = []
    for source, target in pairs:
        try:
            target.check()
        except (OSError, BotoCoreError, ClientError) as error:
            raise MigrationRefused(
                f"The target for {source.alias} cannot be written to: {type(error).__name__}: "
                f"{error}."
            ) from None
        files = {
            name: size
            for name, size in source.listing().items()
            if not any(part.startswith(_PASSING) for part in name.split("/"))
            and not name.endswith(".part")
        }
        there = target.listing()
        missing = {name: size for name, size in files.items() if there.get(name) != size}
        plans.append(Plan(source, target, files, missing))
    return plans


def copy(plans: list[Plan], progress: Callable[[int, str], None]) -> None:
    """Copy what each target lacks; `progress(bytes, name)` after each file."""
    for item in plans:
        for name, size in sorted(item.missing.items()):
            _copy_one(item.source, item.target, name)
            progress(size, name)


def unmatched(plans: list[Plan]) -> list[str]:
    """After copying: the files some target still lacks, or holds at another size."""
    wrong = []
    for item in plans:
        there = item.target.listing()
        wrong += [
            f"{item.source.alias}: {name}"
            for name, size in sorted(item.files.items())
            if there.get(name) != size
        ]
    return wrong


def _copy_one(source: Area, target: Area, name: str) -> None:
    if source.is_local:
        target.keep(source.local_path(name), name)
        return
    if target.is_local:
        # Into a partial file first: an interrupted copy never looks complete.
        path = target.local_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        source.fetch(name, partial)
        partial.replace(path)
        return
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        local = Path(folder) / "file"
        source.fetch(name, local)
        target.keep(local, name)
