"""A project's resources as one zip, streamed: nothing is built in memory or on disk.

Members get what the record page would offer them: each resource's current version,
the copy without location data when processing made one (creators get their originals
from the record page). Media is already compressed, so entries are stored, not deflated.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

from ensemble.core import filestore
from ensemble.projects.models import ProjectResource
from ensemble.records import storage
from ensemble.records.intake import served_name

CHUNK = 64 * 1024


class _Pipe:
    """A write-only, unseekable file that hands what is written to the generator."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.written = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        """Nothing is buffered here; the generator drains `parts`."""

    def drain(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        yield from parts


def files_of(resources: list[ProjectResource]) -> list[tuple[str, str]]:
    """(name in the zip, name in the records area) for each resource with a ready,
    present file."""
    found: list[tuple[str, str]] = []
    used: set[str] = set()
    for resource in resources:
        record = resource.record
        version = record.current_version
        if record.is_deleted or not record.is_public or version is None:
            continue
        clean = version.rendition("download")
        stored = storage.file_name(version.folder, clean.file if clean else version.original_file)
        if not filestore.records.exists(stored):
            continue
        name = served_name(version.original_name or record.title, version.extension)
        stem, dot, ext = name.rpartition(".")
        candidate, n = name, 2
        while candidate in used:  # two resources named alike keep both
            candidate, n = f"{stem} ({n}){dot}{ext}", n + 1
        used.add(candidate)
        found.append((candidate, stored))
    return found


def stream_zip(files: list[tuple[str, str]]) -> Iterator[bytes]:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[call-overload]
        for name, stored in files:
            with (
                filestore.records.open(stored) as source,
                archive.open(name, mode="w", force_zip64=True) as out,
            ):
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                    yield from pipe.drain()
            yield from pipe.drain()
    yield from pipe.drain()


def resources_of(project: Any) -> list[ProjectResource]:
    return list(
        ProjectResource.objects.filter(project=project)
        .select_related("record__current_version")
        .prefetch_related("record__current_version__renditions")
    )
