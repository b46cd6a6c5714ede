"""Uploads sent straight to the bucket: the site signs, the store receives.

When the records area is a bucket, a client may send a big file to the store itself
instead of through the site (`/api/v1/direct-uploads`): the site checks the upload as a
resumable one is checked before its first byte (length, quota, what the record will be:
`resumable.check_new`), starts a multipart upload into a new version folder and signs
each part's address for its exact size, so the store refuses a part of any other size
and nothing past the declared length can arrive. A client that lost its connection asks
which parts the store holds and sends the others. Once it says it is done, the site
checks the parts against the declaration, completes the upload, and examines the file
where it lies (its first bytes for its type, a container's header for its length:
`intake.examine` over `core.multipart.RemoteFile`) before it becomes a draft record, as
any upload does. A file that is not what was declared is removed, and the upload
refused with the reason. Uploads not completed by `expires_at` are aborted in the store
and removed by the worker's sweeper.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.core import filestore, multipart
from ensemble.core.filestore import StoreUnavailable
from ensemble.core.refusals import Refused
from ensemble.records import resumable, services, storage
from ensemble.records.intake import examine
from ensemble.records.media import sniff
from ensemble.records.models import DirectUpload, Record
from ensemble.records.services import Content, Stored

logger = logging.getLogger(__name__)

MIN_PART = 8 * 1024 * 1024  # S3 takes parts of at least 5 MiB, but the last
MAX_PARTS = 10_000  # and at most 10,000 of them
SIGN_AT_ONCE = 100  # addresses signed in one request


def available() -> bool:
    return not filestore.records.is_local


def part_size_for(length: int) -> int:
    """MIN_PART, or the least whole MiB that keeps the parts within MAX_PARTS."""
    mib = 1024 * 1024
    return max(MIN_PART, -(-length // MAX_PARTS // mib) * mib)


def create(user: User, length: int, metadata: dict[str, str]) -> DirectUpload:
    """A new upload of `length` bytes into the bucket, refused at once if it cannot be."""
    if not available():
        raise Refused(
            "This site keeps files on its own disk, so uploads go through it: use a "
            "resumable upload (/api/v1/resumable/).",
            status=409,
            code="not_available",
        )
    cleaned = resumable.check_new(user, length, metadata, destinations=False)
    folder = storage.new_folder()
    upload = DirectUpload(
        user=user,
        length=length,
        part_size=part_size_for(length),
        metadata=cleaned,
        folder=folder,
        expires_at=resumable.expiry(),
    )
    upload.store_upload = multipart.start(filestore.records, _name(upload))
    upload.save()
    return upload


def mine(user: User, upload_id: str) -> DirectUpload | None:
    """The member's own upload, or None: another's, or one expired, is as unknown as one
    that never was."""
    if not resumable.ID_SHAPE.fullmatch(upload_id):
        return None
    return DirectUpload.objects.filter(
        pk=upload_id, user=user, expires_at__gte=timezone.now()
    ).first()


def sign(upload: DirectUpload, numbers: list[int]) -> list[dict[str, int | str]]:
    """Addresses for these parts, each for its exact size."""
    _require_receiving(upload)
    if not numbers or len(numbers) > SIGN_AT_ONCE:
        raise Refused(f"Ask for 1 to {SIGN_AT_ONCE} parts at a time.", code="invalid")
    wrong = [n for n in numbers if not 1 <= n <= upload.parts]
    if wrong:
        raise Refused(
            f"This upload has parts 1 to {upload.parts}; there is no part {wrong[0]}.",
            code="invalid",
        )
    name = _name(upload)
    return [
        {
            "number": n,
            "size": upload.part_length(n),
            "url": multipart.sign_part(
                filestore.records, name, upload.store_upload, n, upload.part_length(n)
            ),
        }
        for n in sorted(set(numbers))
    ]


def received(upload: DirectUpload) -> list[int]:
    """The parts the store holds, of the right size: what a resuming client skips."""
    if upload.state != DirectUpload.State.RECEIVING:
        return []
    try:
        held = multipart.parts(filestore.records, _name(upload), upload.store_upload)
    except filestore.FileMissing:
        return []
    return [p.number for p in held if p.size == upload.part_length(p.number)]


def complete(upload: DirectUpload) -> DirectUpload:
    """Every part sent: check them, complete the upload, examine the file, and make the
    draft record. A part missing or of the wrong size is refused with nothing changed
    (send it, then complete again); a file that is not what was declared ends the
    upload. Asked again once complete, answers the same."""
    if upload.state == DirectUpload.State.COMPLETE:
        return upload
    _require_receiving(upload)
    claimed = DirectUpload.objects.filter(pk=upload.pk, state=DirectUpload.State.RECEIVING).update(
        state=DirectUpload.State.CHECKING
    )
    if not claimed:
        raise Refused(
            "This upload is being completed by another request; ask again in a moment.",
            status=409,
            code="busy",
        )
    try:
        _complete_in_store(upload)
    except Refused as refused:
        if refused.code in ("missing_parts", "storage_unavailable"):
            _back_to_receiving(upload)  # the client can still send what is missing
        else:
            _refuse(upload, refused.message)
        raise
    except BaseException:
        _back_to_receiving(upload)
        raise
    upload.refresh_from_db()
    return upload


def _complete_in_store(upload: DirectUpload) -> None:
    area, name = filestore.records, _name(upload)
    held = {p.number: p for p in multipart.parts(area, name, upload.store_upload)}
    for number in range(1, upload.parts + 1):
        part = held.get(number)
        if part is None or part.size != upload.part_length(number):
            raise Refused(
                f"Part {number} of {upload.parts} has not arrived whole; send it, then "
                "complete the upload again.",
                status=409,
                code="missing_parts",
            )
    multipart.complete(area, name, upload.store_upload, [held[n] for n in sorted(held)])
    size = area.size(name)
    if size != upload.length:
        raise Refused(
            f"The store holds {size} bytes for this upload, not the {upload.length} declared.",
            code="size_mismatch",
        )
    meta = upload.metadata
    with _head_of(upload) as head:
        examined = examine(
            head,
            size=upload.length,
            declared_kind=meta["kind"],
            media=multipart.RemoteFile(area, name, upload.length),
        )
    content = Content(path=head, size=upload.length, sha256="", name=meta["filename"])
    services.create_record(
        upload.user,
        title=meta["title"],
        description=meta["description"],
        tags=meta["tags"],
        licence=meta["licence"] or None,
        kind=meta["kind"],
        stored=Stored(upload.folder, upload.name, content, examined),
        # In the record's own transaction: never a record whose upload still looks
        # unfinished, which the sweeper would remove the file of.
        attach=lambda record: _completed(upload, record),
    )


def _completed(upload: DirectUpload, record: Record) -> None:
    DirectUpload.objects.filter(pk=upload.pk).update(
        state=DirectUpload.State.COMPLETE, record=record
    )


class _head_of:
    """The file's first bytes, in a temporary file: what sniffing reads."""

    def __init__(self, upload: DirectUpload) -> None:
        self.upload = upload

    def __enter__(self) -> Path:
        self.temp = tempfile.NamedTemporaryFile(dir=storage.temp_dir(), suffix=".head")
        reader = multipart.RemoteFile(filestore.records, _name(self.upload), self.upload.length)
        self.temp.write(reader.read(sniff.HEAD_SIZE))
        self.temp.flush()
        return Path(self.temp.name)

    def __exit__(self, *exc: object) -> None:
        self.temp.close()


def abort(upload: DirectUpload) -> None:
    """The client gives up: the parts go (the record, if it became one, stays)."""
    if upload.state != DirectUpload.State.COMPLETE:
        multipart.abort(filestore.records, _name(upload), upload.store_upload)
    with transaction.atomic():
        DirectUpload.objects.filter(pk=upload.pk).delete()


def sweep_expired() -> int:
    """Remove uploads past their expiry, and what the store holds of the unfinished
    ones (parts, or a file a killed request completed): the worker's sweeper."""
    gone = list(DirectUpload.objects.filter(expires_at__lt=timezone.now())[:200])
    for upload in gone:
        if upload.state != DirectUpload.State.COMPLETE:
            try:
                multipart.abort(filestore.records, _name(upload), upload.store_upload)
                storage.remove_folder(upload.folder)
            except StoreUnavailable:
                return 0  # the store is down: the next sweep tries again
        DirectUpload.objects.filter(pk=upload.pk).delete()
    return len(gone)


def _name(upload: DirectUpload) -> str:
    return storage.file_name(upload.folder, upload.name)


def _require_receiving(upload: DirectUpload) -> None:
    if upload.state == DirectUpload.State.COMPLETE:
        raise Refused("This upload is complete; it became a record.", status=410, code="gone")
    if upload.state == DirectUpload.State.REFUSED:
        raise Refused(f"This upload was refused: {upload.failure}", status=410, code="gone")


def _back_to_receiving(upload: DirectUpload) -> None:
    DirectUpload.objects.filter(pk=upload.pk, state=DirectUpload.State.CHECKING).update(
        state=DirectUpload.State.RECEIVING
    )


def _refuse(upload: DirectUpload, reason: str) -> None:
    """The file is not what was declared, or cannot be a record: nothing of it stays."""
    DirectUpload.objects.filter(pk=upload.pk).update(
        state=DirectUpload.State.REFUSED, failure=reason[:500]
    )
    try:
        multipart.abort(filestore.records, _name(upload), upload.store_upload)
        storage.remove_folder(upload.folder)
    except StoreUnavailable:
        logger.warning("Direct upload %s refused; its file stays until swept", upload.pk)
