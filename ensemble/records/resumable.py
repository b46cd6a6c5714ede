"""Uploads that survive a dropped connection: the tus 1.0 protocol's server side.

A client creates an upload (its length and what the record will be), then sends the
bytes in as many PATCH requests as it takes; after a dropped connection it asks how many
arrived (HEAD) and sends the rest. The same checks as a single upload apply as the bytes
arrive, not after: the length against the largest limit and the member's quota when the
upload is created; the type from the first bytes (records.media.sniff) and that kind's
limit as soon as they are here; everything else (`services.create_record`) once the
last byte is. The finished file then becomes a draft record as any upload does.

The bytes so far are a file of the web machine that received them (under
UPLOAD_TEMP_DIR/resumable/), held while a PATCH writes to it (a second PATCH at once is
refused, 409). With several web machines, send each upload's requests to the same one
(docs/deployment.md). Uploads not finished by `expires_at` (RESUMABLE_UPLOAD_HOURS after
their last bytes) are removed by the worker's sweeper.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.core.filestore import StoreUnavailable
from ensemble.core.progress import readable_size
from ensemble.core.refusals import Refused
from ensemble.core.text import clean_description, clean_title
from ensemble.records import events, services, storage
from ensemble.records.intake import display_name, title_from_name
from ensemble.records.media import sniff
from ensemble.records.media.base import MediaError
from ensemble.records.models import Licence, Record, ResumableUpload

logger = logging.getLogger(__name__)


class Reader(Protocol):
    """What the bytes come from: the request (its `read`), or a file in tests."""

    def read(self, size: int = -1, /) -> bytes: ...


CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
HEAD_BYTES = sniff.HEAD_SIZE  # what sniffing reads to tell what a file is
CHUNK = 1024 * 1024
ID_SHAPE = re.compile(r"[0-9a-f]{32}")  # models.resumable.new_upload_id
METADATA_KEYS = {"filename", "title", "description", "tags", "licence", "kind"}


def metadata_keys() -> set[str]:
    """What a client may send: the record's fields and those of every destination."""
    return METADATA_KEYS.union(*(d.keys for d in events.upload_destinations.values()))


def part_path(upload: ResumableUpload) -> Path:
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR) / "resumable"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{upload.id}.part"


def largest_upload() -> int:
    return max(settings.RECORD_MAX_BYTES.values())


def expiry() -> Any:
    return timezone.now() + timedelta(hours=settings.RESUMABLE_UPLOAD_HOURS)


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata: key base64,key2 base64`, or Refused (400) saying what is wrong."""
    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        if key not in metadata_keys():
            raise Refused(f"Unknown upload metadata “{key[:40]}”.", status=400, code="invalid")
        try:
            found[key] = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise Refused(
                f"The upload metadata “{key}” is not base64 of UTF-8 text.",
                status=400,
                code="invalid",
            ) from None
    return found


def create(user: User, length: int, metadata: dict[str, str]) -> ResumableUpload:
    """A new upload of `length` bytes, refused at once if it cannot be kept."""
    cleaned = check_new(user, length, metadata)
    upload = ResumableUpload.objects.create(
        user=user, length=length, metadata=cleaned, expires_at=expiry()
    )
    part_path(upload).touch()
    return upload


def check_new(
    user: User, length: int, metadata: dict[str, str], *, destinations: bool = True
) -> dict[str, Any]:
    """What every upload in pieces is checked for before its first byte (this one, and
    records.direct's): its length against the limits and the member's quota, and what
    the record will be. Returns the metadata cleaned, or raises Refused."""
    if length < 1:
        raise Refused("The file is empty.", status=422, code="empty_file", field="file")
    if length > largest_upload():
        raise Refused(
            f"The file ({readable_size(length)}) is larger than any upload we accept "
            f"({readable_size(largest_upload())}).",
            status=413,
            code="too_large",
        )
    if storage.used_bytes(user) + length > storage.quota_for(user):
        raise storage.over_quota(user, length)
    name = display_name(metadata.get("filename", ""))
    licence = metadata.get("licence") or ""  # none given: the record's default, or the call's
    kind = metadata.get("kind") or None
    if licence and licence not in Licence.values:
        raise Refused(f"Unknown licence “{licence[:40]}”.", field="licence")
    if kind is not None and kind not in Record.Kind.values:
        raise Refused(f"Unknown kind “{kind[:40]}”.", field="kind")
    tags = metadata.get("tags", "")
    services.clean_tags(tags)  # refused now, not after the last byte
    cleaned = {
        "filename": name,
        "title": clean_title(metadata.get("title") or title_from_name(name)),
        "description": clean_description(metadata.get("description", "")),
        "tags": tags,
        "licence": licence,
        "kind": kind,
    }
    for key, destination in events.upload_destinations.items():
        if key in metadata:  # the first one named: a client names one at most
            if not destinations:
                raise Refused(
                    f"This kind of upload cannot go to a {key}; send it as a resumable "
                    "upload (/api/v1/resumable/).",
                    code="invalid",
                )
            cleaned |= destination.check(user, metadata) | {"destination": key}
            break
    return cleaned


def mine(user: User, upload_id: str) -> ResumableUpload | None:
    """The member's own upload, or None: another's, or one expired and not yet swept, is
    as unknown as one that never was."""
    if not ID_SHAPE.fullmatch(upload_id):
        return None  # never a query with what a client made up (a NUL byte, say)
    return ResumableUpload.objects.filter(
        pk=upload_id, user=user, expires_at__gte=timezone.now()
    ).first()


@contextmanager
def writing(upload: ResumableUpload) -> Iterator[IO[bytes]]:
    """The part file, opened to append and held: a second writer at once is refused."""
    with part_path(upload).open("ab") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Refused(
                "Another request is sending this upload's bytes; wait for it to end.",
                status=409,
                code="busy",
            ) from None
        yield handle


def receive(
    upload: ResumableUpload,
    offset: int,
    body: Reader,
    size: int | None,
    checksum: tuple[str, bytes] | None,
) -> ResumableUpload:
    """Append a PATCH's bytes at `offset`; returns the upload as it now stands.

    Refused (and nothing kept of this request) when the offset is not where the upload
    stands, the bytes run past its length, their checksum does not match, or the first
    bytes are of a type or size we do not take (which ends the upload).
    """
    if upload.state != ResumableUpload.State.RECEIVING:
        raise Refused(_ended(upload), status=410, code="gone")
    with writing(upload) as handle:
        upload.refresh_from_db()
        if offset != upload.offset or handle.tell() != upload.offset:
            raise Refused(
                f"This upload stands at byte {upload.offset}; send from there.",
                status=409,
                code="offset_mismatch",
            )
        digest = CHECKSUMS[checksum[0]]() if checksum else None
        written = 0
        try:
            while chunk := body.read(CHUNK if size is None else min(CHUNK, size - written)):
                written += len(chunk)
                if upload.offset + written > upload.length:
                    raise Refused(
                        "These bytes run past the upload's length.", status=413, code="too_large"
                    )
                handle.write(chunk)
                if digest is not None:
                    digest.update(chunk)
                if size is not None and written >= size:
                    break
            if digest is not None and checksum is not None and digest.digest() != checksum[1]:
                raise Refused("The bytes do not match their checksum.", status=460, code="checksum")
        except BaseException:
            handle.truncate(upload.offset)  # none of this request's bytes are kept
            raise
        handle.flush()
    ResumableUpload.objects.filter(pk=upload.pk, offset=upload.offset).update(
        offset=upload.offset + written, expires_at=expiry()
    )
    upload.refresh_from_db()
    _check_the_start(upload)
    if upload.offset == upload.length:
        _finish(upload)
    return upload


def _check_the_start(upload: ResumableUpload) -> None:
    """Once the first bytes (or all of a small file) are here: is it a type we take, and
    within that kind's limit? If not, the upload ends now, not after gigabytes."""
    if upload.offset < min(HEAD_BYTES, upload.length) or upload.metadata.get("checked"):
        return
    try:
        try:
            found = sniff.detect(part_path(upload))
        except MediaError as error:
            raise Refused(error.message, status=415, code="unsupported_file") from None
        examine_size(found.family, upload)
    except Refused as refused:
        refuse(upload, refused.message)
        raise
    upload.metadata = {**upload.metadata, "checked": True}
    upload.save(update_fields=["metadata"])


def examine_size(family: str, upload: ResumableUpload) -> None:
    kind = "audio" if family == "av" else family  # a video is told apart when complete
    limits = settings.RECORD_MAX_BYTES
    limit = max(limits["audio"], limits["video"]) if family == "av" else limits.get(kind, 0)
    if limit and upload.length > limit:
        raise Refused(
            f"Files of this kind can be at most {readable_size(limit)}; this one is "
            f"{readable_size(upload.length)}.",
            status=413,
            code="too_large",
        )


def _finish(upload: ResumableUpload) -> None:
    """The last byte is here: the file becomes a draft record, as any upload does."""
    meta = upload.metadata
    path = part_path(upload)
    try:
        with path.open("rb") as handle:
            file = File(handle, name=meta["filename"] or "upload")
            destination = events.upload_destinations.get(meta.get("destination") or "")
            if destination is not None:
                record = destination.make(upload.user, meta, file)
            else:
                record = services.create_record(
                    upload.user,
                    title=meta["title"],
                    description=meta["description"],
                    tags=meta["tags"],
                    licence=meta["licence"] or None,
                    kind=meta["kind"],
                    upload=file,
                )
    except StoreUnavailable:
        raise  # the bytes stay: `finish_if_whole` tries again when the client asks
    except Refused as refused:
        refuse(upload, refused.message)
        raise
    ResumableUpload.objects.filter(pk=upload.pk).update(
        state=ResumableUpload.State.COMPLETE, record=record
    )
    upload.refresh_from_db()
    path.unlink(missing_ok=True)


def finish_if_whole(upload: ResumableUpload) -> ResumableUpload:
    """Every byte arrived but the record was not made (the file store did not answer):
    make it now, when the client asks where the upload stands."""
    if upload.state == ResumableUpload.State.RECEIVING and upload.offset == upload.length:
        _finish(upload)
    return upload


def refuse(upload: ResumableUpload, reason: str) -> None:
    ResumableUpload.objects.filter(pk=upload.pk).update(
        state=ResumableUpload.State.REFUSED, failure=reason[:500]
    )
    upload.refresh_from_db()
    part_path(upload).unlink(missing_ok=True)


def terminate(upload: ResumableUpload) -> None:
    """The client gives up: its bytes go (the record, if it became one, stays)."""
    with transaction.atomic():
        ResumableUpload.objects.filter(pk=upload.pk).delete()
    part_path(upload).unlink(missing_ok=True)


def _ended(upload: ResumableUpload) -> str:
    if upload.state == ResumableUpload.State.COMPLETE:
        return "This upload is complete; it became a record."
    return f"This upload was refused: {upload.failure}"


def sweep_expired() -> int:
    """Remove uploads past their expiry (not finished, or finished long ago): the
    worker's sweeper, every minute or so."""
    now = timezone.now()
    gone = list(ResumableUpload.objects.filter(expires_at__lt=now)[:500])
    for upload in gone:
        part_path(upload).unlink(missing_ok=True)
    ResumableUpload.objects.filter(pk__in=[u.pk for u in gone]).delete()
    return len(gone)
