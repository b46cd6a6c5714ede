"""Making a record the way a member does: upload (or write), process, publish, cite.

Processing runs here, in this process, instead of on the worker: the demo needs each
record ready before it can be published, entered or cited, and waiting for a worker
would only add time. The worker, started later, finds the versions done and skips them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import SimpleUploadedFile

from ensemble.accounts.models import User
from ensemble.lineage import services as lineage
from ensemble.records import processing
from ensemble.records import services as records
from ensemble.records.models import Record, Version


class DemoError(RuntimeError):
    """The story could not be built (a service refused a step, or processing failed)."""


def make(
    owner: User,
    title: str,
    *,
    data: bytes | None = None,
    filename: str = "",
    text: str | None = None,
    description: str = "",
    tags: Iterable[str] = (),
    licence: str = "accord",
    publish: bool = True,
) -> Record:
    upload = SimpleUploadedFile(filename, data) if data is not None else None
    record = records.create_record(
        owner,
        title=title,
        description=description,
        tags=list(tags),
        licence=licence,
        upload=upload,
        text=text,
    )
    version = Version.objects.get(record=record)
    outcome = processing.run(version.pk)
    if outcome != "ready":
        raise DemoError(f"“{title}” could not be processed: {outcome}")
    record.refresh_from_db()
    if publish:
        records.publish(record, by=owner)
    return record


def cite(
    derived: Record, source: Record, note: str, *, inspired: bool = False, part: str = ""
) -> None:
    lineage.add_source(
        derived,
        source,
        by=derived.owner,
        note=note,
        part=part,
        kind="inspired_by" if inspired else "uses",
    )
