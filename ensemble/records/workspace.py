"""Where the worker processes a version, whichever area of files holds it.

Local folders: the original is read where it lies; renditions are written into
`work-N/` beside it (N the attempt) and renamed into place, inside the transaction that
marks the version ready, once it is sure the version is still this attempt's.

A bucket: the worker needs no disk shared with the web machines or other workers. The
original is fetched (streamed) into a temporary folder under WORK_DIR on the worker's
own disk, and the renditions are uploaded from there before that transaction (an upload
must not hold its locks), under names carrying the attempt (`preview-2.mp4`): an
older attempt still running can then never overwrite a newer one's files. Whatever a
killed attempt uploaded is removed when the next attempt claims the version, and the
folder it left under WORK_DIR by the worker's sweeper (`remove_abandoned`).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from ensemble.core import filestore, sweepers
from ensemble.records import storage
from ensemble.records.media.base import RenditionFile as Made
from ensemble.records.models import Version

HELD = ".held"  # locked (flock) while a worker uses its folder under WORK_DIR
STARTING_SECONDS = 60
# What `store_renditions` kept: the rendition made, its name in the folder, its size.
Stored = list[tuple[Made, str, int]]


@contextmanager
def claimed(version: Version, attempt: int) -> Iterator[tuple[Path, Path]]:
    """(the original on local disk, an empty folder for the renditions), removed after."""
    area = filestore.records
    if area.is_local:
        folder = area.local_path(version.folder)
        _remove_work_folders(folder, up_to=attempt)
        work = folder / f"work-{attempt}"
        work.mkdir(parents=True)
        try:
            yield folder / version.original_file, work
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    _remove_earlier_attempts(version)
    root = Path(settings.WORK_DIR)
    root.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=root, prefix=f"version-{version.pk}-") as temp,
        (Path(temp) / HELD).open("wb") as held,
    ):
        sweepers.hold_while_open(held)  # until this ends, or the process dies however
        original = Path(temp) / version.original_file
        area.fetch(storage.file_name(version.folder, version.original_file), original)
        work = Path(temp) / "work"
        work.mkdir()
        yield original, work


def remove_abandoned() -> int:
    """The worker's sweeper: remove the folders under WORK_DIR that no process holds (a
    worker killed mid-file leaves its copy of the original and its renditions there)."""
    root = Path(settings.WORK_DIR)
    removed = 0
    for folder in root.iterdir() if root.is_dir() else ():
        try:
            with (folder / HELD).open("rb") as held:
                sweepers.hold_while_open(held)
        except BlockingIOError:
            continue  # a worker is processing it
        except (FileNotFoundError, NotADirectoryError):
            if time.time() - folder.stat().st_mtime < STARTING_SECONDS:
                continue  # just made, not held yet
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def store_renditions(version: Version, attempt: int, made: list[Made]) -> Stored:
    """Upload the renditions to a bucket now; on local disk only name them (`settle`
    moves them in)."""
    stored: Stored = []
    for rendition in made:
        if filestore.records.is_local:
            name = f"{rendition.role}{rendition.path.suffix}"
        else:
            name = f"{rendition.role}-{attempt}{rendition.path.suffix}"
            storage.keep(rendition.path, version.folder, name)
        stored.append((rendition, name, rendition.path.stat().st_size))
    return stored


def settle(version: Version, stored: Stored) -> None:
    """Inside the transaction that makes the version ready: local renditions move beside
    the original (a rename, atomic on one disk); uploaded ones are in place already."""
    if not filestore.records.is_local:
        return
    folder = filestore.records.local_path(version.folder)
    for rendition, name, _size in stored:
        rendition.path.replace(folder / name)


def discard(version: Version, stored: Stored) -> None:
    """The version was not this attempt's after all: remove what it uploaded."""
    if filestore.records.is_local:
        return  # still in work-N, which `claimed` removes
    for _rendition, name, _size in stored:
        filestore.records.remove(storage.file_name(version.folder, name))


def _remove_work_folders(folder: Path, *, up_to: int) -> None:
    """Remove the partial renditions of earlier attempts, killed mid-way.

    Only once this attempt holds the claim: an older attempt's worker, if it still runs,
    can no longer write its result (`Version.mine`), so taking its folder harms nothing,
    while a sweeper deleting it before the claim could make a slow, live attempt fail.
    """
    for work in folder.glob("work-*"):
        number = work.name.removeprefix("work-")
        if number.isdigit() and int(number) <= up_to:
            shutil.rmtree(work, ignore_errors=True)


def _remove_earlier_attempts(version: Version) -> None:
    """In a bucket: everything in the folder but the original is a killed attempt's (a
    version being claimed has no renditions yet)."""
    keep = storage.file_name(version.folder, version.original_file)
    for name in filestore.records.names(version.folder):
        if name != keep:
            filestore.records.remove(name)
