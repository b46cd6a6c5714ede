"""Where record files live, and each member's storage quota.

Every version has its own folder in the records area (ensemble.core.filestore: a folder
under RECORDS_ROOT, or a prefix in the bucket STORAGE_URL names), named by a random
token: names never come from the uploader, so no file name can traverse paths or
collide. The folder holds the original (`original<ext>`) and the renditions processing
made.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db.models import F

from ensemble.accounts.models import User
from ensemble.core import filestore
from ensemble.core.progress import readable_size
from ensemble.core.refusals import Refused
from ensemble.records.models import StorageUsage, Version


def new_folder() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def file_name(folder: str, name: str) -> str:
    """A version's file, as the records area names it."""
    return f"{folder}/{name}"


def originals() -> Iterator[tuple[str, str]]:
    """Every original a version row refers to, as (area, name): for `ensemble backup`."""
    rows = Version.objects.filter(purged_at__isnull=True).values_list("folder", "original_file")
    for folder, name in rows.iterator():
        yield "records", file_name(folder, name)


def temp_dir() -> Path:
    path = Path(settings.FILE_UPLOAD_TEMP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def upload_on_disk(upload: File) -> Iterator[Path]:
    """A path to the upload's bytes: its temporary file, or one written for small uploads."""
    temporary_path = getattr(upload, "temporary_file_path", None)
    if temporary_path is not None:
        yield Path(temporary_path())
        return
    with tempfile.NamedTemporaryFile(dir=temp_dir(), suffix=".upload") as handle:
        upload.seek(0)
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


@contextmanager
def text_on_disk(data: bytes) -> Iterator[Path]:
    with tempfile.NamedTemporaryFile(dir=temp_dir(), suffix=".md") as handle:
        handle.write(data)
        handle.flush()
        yield Path(handle.name)


def keep(src: Path, folder: str, name: str) -> None:
    """Put a received file in its version folder: a rename on the same disk, an upload
    (streamed, in parts) to a bucket."""
    filestore.records.keep(src, file_name(folder, name))


def remove_folder(folder: str) -> None:
    filestore.records.remove_folder(folder)


def remove_folders(folders: list[str]) -> None:
    for folder in folders:
        remove_folder(folder)


def keep_new(
    owner: User, path: Path, size: int, extension: str, written: list[str]
) -> tuple[str, str]:
    """Store an upload as the original of a new version folder: (folder, name).

    The folder goes into `written` first, so the caller can remove it if what follows
    fails; a member already over quota is refused before anything is sent (the version's
    transaction counts the bytes for good, `reserve`).
    """
    if used_bytes(owner) + size > quota_for(owner):
        raise over_quota(owner, size)
    folder, name = new_folder(), "original" + extension
    written.append(folder)
    keep(path, folder, name)
    return folder, name


def over_quota(owner: User, size: int) -> Refused:
    return Refused(
        f"This upload ({readable_size(size)}) would go over your storage quota "
        f"of {readable_size(quota_for(owner))}; you have used "
        f"{readable_size(used_bytes(owner))}.",
        status=413,
        code="quota_exceeded",
        field="file",
    )


def quota_for(user: User) -> int:
    return int(settings.STORAGE_QUOTA_BYTES)


def used_bytes(user: User) -> int:
    usage = StorageUsage.objects.filter(user=user).values_list("used_bytes", flat=True).first()
    return int(usage or 0)


def reserve(user: User, nbytes: int) -> bool:
    """Count `nbytes` against the member's quota if they fit; one conditional UPDATE."""
    StorageUsage.objects.get_or_create(user=user)
    limit = quota_for(user) - nbytes
    return bool(
        StorageUsage.objects.filter(user=user, used_bytes__lte=limit).update(
            used_bytes=F("used_bytes") + nbytes
        )
    )


def release(user_id: int, nbytes: int) -> None:
    StorageUsage.objects.filter(user_id=user_id, used_bytes__gte=nbytes).update(
        used_bytes=F("used_bytes") - nbytes
    )
