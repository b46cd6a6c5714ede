"""Where files live: folders on this machine, or one bucket of S3-compatible storage.

Three areas hold files: `records` (originals and renditions), `media` (avatars) and
`exports` (members' data exports). With STORAGE_URL unset each is a folder (RECORDS_ROOT,
MEDIA_ROOT, EXPORTS_ROOT), as `make run` needs. With STORAGE_URL=s3://… each is a prefix
of one bucket (`records/`, `media/`, `exports/`), reached through django-storages and
boto3 (`ensemble.core.storage_url` reads the URL into Django's STORAGES).

Code outside this module never builds a key itself: it asks an area to keep a file,
fetch one to a local path, stream one, remove a folder of them, or (in a bucket) sign a
short-lived link that the serving views redirect to. Names are ours, never an
uploader's (`records.storage.new_folder`), and `_clean` refuses any that could climb
out of its area.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from storages.backends.s3 import S3Storage

from ensemble.core.refusals import Refused

logger = logging.getLogger(__name__)


class FileMissing(Exception):
    """The area holds no file by that name."""


class StoreUnavailable(Refused):
    """The bucket does not answer (down, unreachable, or failing): a 503 for the request
    that needed it, which changes nothing (`StoreUnavailableMiddleware`, below,
    answers pages; the API answers every Refused)."""

    def __init__(self) -> None:
        super().__init__(
            "File storage is not answering just now; nothing was changed. Try again in a "
            "few minutes.",
            status=503,
            code="storage_unavailable",
        )


@contextmanager
def answering() -> Iterator[None]:
    """Turn the store not answering into StoreUnavailable; other refusals pass as they are."""
    try:
        yield
    except (BotoCoreError, S3UploadFailedError) as error:
        logger.warning("The file store did not answer: %s", error)
        raise StoreUnavailable from None
    except ClientError as error:
        if _status(error) >= 500:
            logger.warning("The file store failed: %s", error)
            raise StoreUnavailable from None
        raise


_clients = threading.local()


class BucketStorage(S3Storage):
    """django-storages' S3 storage, signing links for the address browsers reach.

    `public_endpoint`: where browsers reach the store when it differs from where this
    machine does (a bucket behind its own domain); the signature covers the host, so
    links are signed for that address. `served_at`: for public files (avatars), the
    site's own URL prefix: templates then hold a stable address, which the site answers
    with a fresh signed redirect (core.views.public_media), instead of a signed link
    that would expire inside a cached page.
    """

    def __init__(self, **options: Any) -> None:
        self.public_endpoint = options.pop("public_endpoint", None)
        self.served_at = options.pop("served_at", None)
        super().__init__(**options)
        self._signer: Any = None

    def url(
        self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        if self.served_at is not None:
            return f"{self.served_at}{name}"
        return str(super().url(name, parameters, expire, http_method))

    def key(self, name: str) -> str:
        return posixpath.join(self.location, name) if self.location else name

    @property
    def client(self) -> Any:
        """One boto3 client per thread for each store and key, shared by the three areas
        (and by the storages tests make for each test): making one costs tens of ms."""
        key = (self.endpoint_url, self.access_key, self.secret_key, self.region_name)
        clients = getattr(_clients, "by_store", None)
        if clients is None:
            clients = _clients.by_store = {}
        if key not in clients:
            clients[key] = self.connection.meta.client
        return clients[key]

    @property
    def signer(self) -> Any:
        """A client for signing only: it never connects, so it may name the public host."""
        if self.public_endpoint is None:
            return self.client
        if self._signer is None:
            import boto3

            self._signer = boto3.session.Session().client(
                "s3",
                endpoint_url=self.public_endpoint,
                region_name=self.region_name,
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
                aws_session_token=self.security_token,
                config=self.client_config,
            )
        return self._signer


def _clean(name: str) -> str:
    """A relative name inside the area, or ValueError: never absolute, never `..`."""
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a name inside a storage area: {name!r}")
    return name


class Area:
    """One kind of file, in a folder or under a bucket prefix (see the module's doc)."""

    def __init__(self, alias: str, root_setting: str, storage: Storage | None = None) -> None:
        self.alias = alias
        self.root_setting = root_setting
        self._storage = storage  # None: the site's own, STORAGES[alias] as it is now

    @property
    def storage(self) -> Storage:
        return self._storage if self._storage is not None else storages[self.alias]

    def elsewhere(self, storage: Storage) -> Area:
        """The same area in another store (`ensemble storage migrate`'s other side)."""
        return Area(self.alias, self.root_setting, storage)

    @property
    def is_local(self) -> bool:
        return isinstance(self.storage, FileSystemStorage)

    def _bucket(self) -> BucketStorage:
        storage = self.storage
        if not isinstance(storage, BucketStorage):
            raise TypeError(f"STORAGES[{self.alias!r}] must be FileSystemStorage or BucketStorage")
        return storage

    @property
    def root(self) -> Path:
        """The folder, for local areas: read from settings as they are now."""
        if isinstance(self._storage, FileSystemStorage):
            return Path(self._storage.location)
        return Path(getattr(settings, self.root_setting))

    def local_path(self, name: str) -> Path:
        """Where a file of a local area lies. Only for local areas: buckets have no path."""
        if not self.is_local:
            raise TypeError(f"the {self.alias} area is in a bucket; it has no local path")
        return self.root / _clean(name)

    def keep(self, src: Path, name: str) -> int:
        """Store the file at `src` as `name`, replacing any; returns its size.

        On disk a hard link when the folders share a file system (the caller deletes its
        temporary file as usual), else a copy. In a bucket a streamed upload, in parts
        for big files, so a video never sits whole in memory.
        """
        size = src.stat().st_size
        if self.is_local:
            target = self.local_path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            try:
                os.link(src, target)
            except OSError:
                shutil.copyfile(src, target)
            return size
        bucket = self._bucket()
        with answering():
            bucket.client.upload_file(
                str(src),
                bucket.bucket_name,
                bucket.key(_clean(name)),
                Config=bucket.transfer_config,
            )
        return size

    def fetch(self, name: str, dest: Path) -> None:
        """Write the file `name` to the local path `dest` (streamed), or raise FileMissing."""
        if self.is_local:
            path = self.local_path(name)
            if not path.is_file():
                raise FileMissing(name)
            shutil.copyfile(path, dest)
            return
        bucket = self._bucket()
        with answering():
            try:
                bucket.client.download_file(
                    bucket.bucket_name,
                    bucket.key(_clean(name)),
                    str(dest),
                    Config=bucket.transfer_config,
                )
            except ClientError as error:
                if _status(error) == 404:
                    raise FileMissing(name) from None
                raise

    def open(self, name: str) -> BinaryIO:
        """The file for reading from its start, streamed; the caller closes it."""
        if self.is_local:
            try:
                return self.local_path(name).open("rb")
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                raise FileMissing(name) from None
        bucket = self._bucket()
        with answering():
            try:
                answer = bucket.client.get_object(
                    Bucket=bucket.bucket_name, Key=bucket.key(_clean(name))
                )
            except ClientError as error:
                if _status(error) == 404:
                    raise FileMissing(name) from None
                raise
        body: BinaryIO = answer["Body"]  # botocore's StreamingBody, read as it arrives
        return body

    def size(self, name: str) -> int | None:
        """The file's size in bytes, or None when there is none."""
        if self.is_local:
            path = self.local_path(name)
            return path.stat().st_size if path.is_file() else None
        bucket = self._bucket()
        with answering():
            try:
                head = bucket.client.head_object(
                    Bucket=bucket.bucket_name, Key=bucket.key(_clean(name))
                )
            except ClientError as error:
                if _status(error) == 404:
                    return None
                raise
        return int(head["ContentLength"])

    def exists(self, name: str) -> bool:
        return self.size(name) is not None

    def names(self, folder: str = "") -> list[str]:
        """Every file under `folder` (or in the whole area), as names in the area."""
        return sorted(self.listing(folder))

    def listing(self, folder: str = "") -> dict[str, int]:
        """Every file under `folder` (or in the whole area) with its size, in one pass."""
        if self.is_local:
            base = self.local_path(folder) if folder else self.root
            files = base.rglob("*") if base.is_dir() else []
            return {str(p.relative_to(self.root)): p.stat().st_size for p in files if p.is_file()}
        bucket = self._bucket()
        top = bucket.key("") if bucket.location else ""
        prefix = bucket.key(_clean(folder)) + "/" if folder else top
        found = {}
        with answering():
            for page in bucket.client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket.bucket_name, Prefix=prefix
            ):
                for item in page.get("Contents", []):
                    found[item["Key"][len(top) :]] = int(item["Size"])
        return found

    def remove(self, name: str) -> None:
        if self.is_local:
            self.local_path(name).unlink(missing_ok=True)
            return
        bucket = self._bucket()
        with answering():
            bucket.client.delete_object(Bucket=bucket.bucket_name, Key=bucket.key(_clean(name)))

    def remove_folder(self, folder: str) -> None:
        """Remove `folder` and everything in it; nothing happens when it is not there."""
        if self.is_local:
            shutil.rmtree(self.local_path(folder), ignore_errors=True)
            return
        bucket = self._bucket()
        keys = [bucket.key(name) for name in self.names(folder)]
        with answering():
            for start in range(0, len(keys), 1000):  # S3 removes at most 1,000 per request
                batch = [{"Key": key} for key in keys[start : start + 1000]]
                bucket.client.delete_objects(
                    Bucket=bucket.bucket_name, Delete={"Objects": batch, "Quiet": True}
                )

    def signed_link(
        self,
        name: str,
        *,
        content_type: str,
        disposition: str,
        cache_control: str,
        must_exist: bool = False,
    ) -> str:
        """A link the store itself answers for a while (MEDIA_LINK_SECONDS), with our
        headers: the type we detected, inline or attachment, and the cache rule.

        The same link is handed out again for the first half of its life: a new one on
        every request would be a new address each time, and browsers would download a
        thumbnail again on every page instead of taking it from their cache. It is only
        handed to requests that passed the access check, as a new one would be.
        `must_exist`: raise FileMissing for a file the store does not have (asked once
        per link made, not each time it is handed out).
        """
        bucket = self._bucket()
        params = {
            "Bucket": bucket.bucket_name,
            "Key": bucket.key(_clean(name)),
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": cache_control,
        }
        seconds = int(settings.MEDIA_LINK_SECONDS)
        digest = hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()[:32]
        key = f"filestore:link:{bucket.public_endpoint or bucket.endpoint_url}:{digest}"
        link = cache.get(key)
        if link is None:
            if must_exist and not self.exists(name):
                raise FileMissing(name)
            link = bucket.signer.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=seconds
            )
            cache.set(key, link, seconds // 2)
        return str(link)

    def check(self) -> None:
        """Raise if the area cannot be written to (for /readyz)."""
        if self.is_local:
            existing = self.root
            while not existing.exists() and existing != existing.parent:
                existing = existing.parent  # made when first written to
            if not os.access(existing, os.W_OK):
                raise OSError(f"{self.root} is not writable")
            return
        bucket = self._bucket()  # botocore's own errors: readiness names their kind
        bucket.client.head_bucket(Bucket=bucket.bucket_name)


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


records = Area("records", "RECORDS_ROOT")
media = Area("default", "MEDIA_ROOT")
exports = Area("exports", "EXPORTS_ROOT")
AREAS = (records, media, exports)


class StoreUnavailableMiddleware:
    """Pages that needed the bucket while it did not answer: a 503 saying so (the API
    answers StoreUnavailable as any refusal, with its status and code)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StoreUnavailable):
            return None
        if request.path.startswith("/api/"):
            body = {"detail": exception.message, "code": exception.code}
            response: HttpResponse = JsonResponse(body, status=503)
        else:
            response = render(request, "503.html", {"message": exception.message}, status=503)
        response["Retry-After"] = "60"
        return response
