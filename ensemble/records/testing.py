"""Factories for tests of any app: records made through the real services."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ensemble.accounts.models import User
from ensemble.core.testing import image_bytes, run_tasks
from ensemble.records import services
from ensemble.records.models import Record


def upload(data: bytes, name: str = "upload.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def make_record(
    owner: User,
    *,
    data: bytes | None = None,
    name: str = "picture.png",
    text: str | None = None,
    publish: bool = False,
    process: bool = True,
    **fields: Any,
) -> Record:
    """A record through `services.create_record` (a small PNG unless told otherwise),
    processed by running the queued tasks, and published if asked."""
    fields.setdefault("title", "A record")
    if text is None and data is None:
        data = image_bytes()
    record = services.create_record(
        owner, upload=upload(data or b"", name) if text is None else None, text=text, **fields
    )
    if process or publish:
        run_tasks()
        record.refresh_from_db()
    if publish:
        services.publish(record, by=owner)
    return record
