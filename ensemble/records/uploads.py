"""Receiving uploads: streamed to disk, hashed on the way, capped before they fill it.

Django's multipart parser hands each chunk to the upload handlers as it arrives, so the
server holds one chunk in memory whatever the file's size. This handler also hashes the
chunks (so a 4 GB upload is not read a second time for its SHA-256) and stops keeping a
file the moment it passes the largest size any kind of record may have.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import SkipFile, StopUpload, TemporaryFileUploadHandler

from ensemble.accounts import http
from ensemble.core import sweepers


def largest_upload() -> int:
    return max(settings.RECORD_MAX_BYTES.values())


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Writes to a temporary file, computes its SHA-256, refuses files over the cap.

    A refused file is dropped (its temporary file deleted) and named in
    `request.refused_uploads`, so the view can say why instead of "no file sent".
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        # Only members upload: a stranger's body is read and dropped, never written to disk.
        if self.request is None or http.viewer(self.request) is None:
            raise StopUpload(connection_reset=False)
        super().new_file(*args, **kwargs)
        # Locked while it arrives and while the request uses it: a file no process holds
        # is a killed upload's, which the worker's sweeper removes (core.sweepers).
        sweepers.hold_while_open(self.file)
        self.sha256 = hashlib.sha256()
        self.received = 0
        self.cap = largest_upload()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.cap:
            refused = getattr(self.request, "refused_uploads", [])
            refused.append(self.field_name)
            self.request.refused_uploads = refused  # type: ignore[union-attr]
            raise SkipFile
        self.sha256.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.sha256 = self.sha256.hexdigest()  # type: ignore[attr-defined]
        return uploaded


def sha256_of(upload: File) -> str:
    """The upload's SHA-256: computed while it streamed in, or now for small files."""
    known = getattr(upload, "sha256", None)
    if known:
        return str(known)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def upload_was_refused(request: Any, field: str = "file") -> bool:
    return field in getattr(request, "refused_uploads", [])
