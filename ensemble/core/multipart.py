"""Files sent by browsers straight to the bucket: S3 multipart uploads, and reading a
stored file's parts in place.

The site starts a multipart upload under a name of its own, then signs each part's
address for its exact size (the size is in the signature: a part of any other size is
refused by the store itself), so a client can send no more than it declared. Once every
part is there the site completes the upload and reads what it needs of the file where it
lies (`RemoteFile`: its first bytes to tell its type, a container's header to probe it)
without fetching it whole. Only for areas in a bucket: a local area has no presigned
addresses (`Area.is_local`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from django.conf import settings

from ensemble.core.filestore import Area, FileMissing, _clean, _status, answering


@dataclass(frozen=True)
class Part:
    number: int
    size: int
    etag: str


def _where(area: Area, name: str) -> tuple[Any, dict[str, str]]:
    bucket = area._bucket()
    return bucket, {"Bucket": bucket.bucket_name, "Key": bucket.key(_clean(name))}


def start(area: Area, name: str, content_type: str = "application/octet-stream") -> str:
    """A new multipart upload to `name`; returns the store's id for it."""
    bucket, where = _where(area, name)
    with answering():
        answer = bucket.client.create_multipart_upload(**where, ContentType=content_type)
    return str(answer["UploadId"])


def sign_part(area: Area, name: str, upload_id: str, number: int, size: int) -> str:
    """An address a client PUTs part `number` to, of exactly `size` bytes, for
    MEDIA_LINK_SECONDS (signing asks nothing of the store)."""
    bucket, where = _where(area, name)
    params = {**where, "UploadId": upload_id, "PartNumber": number, "ContentLength": size}
    link = bucket.signer.generate_presigned_url(
        "upload_part", Params=params, ExpiresIn=int(settings.MEDIA_LINK_SECONDS)
    )
    return str(link)


def parts(area: Area, name: str, upload_id: str) -> list[Part]:
    """The parts the store holds so far, in order; FileMissing when the upload is
    unknown to it (completed, aborted, or expired by the store's own rules)."""
    bucket, where = _where(area, name)
    found: list[Part] = []
    with answering():
        try:
            pages = bucket.client.get_paginator("list_parts").paginate(**where, UploadId=upload_id)
            for page in pages:
                for part in page.get("Parts", []):
                    found.append(Part(int(part["PartNumber"]), int(part["Size"]), part["ETag"]))
        except ClientError as error:
            if _status(error) == 404:
                raise FileMissing(name) from None
            raise
    return sorted(found, key=lambda part: part.number)


def complete(area: Area, name: str, upload_id: str, done: list[Part]) -> None:
    bucket, where = _where(area, name)
    listed = [{"PartNumber": part.number, "ETag": part.etag} for part in done]
    with answering():
        bucket.client.complete_multipart_upload(
            **where, UploadId=upload_id, MultipartUpload={"Parts": listed}
        )


def abort(area: Area, name: str, upload_id: str) -> None:
    """Drop the upload and every part it holds; nothing happens if the store has none."""
    bucket, where = _where(area, name)
    with answering():
        try:
            bucket.client.abort_multipart_upload(**where, UploadId=upload_id)
        except ClientError as error:
            if _status(error) != 404:
                raise


class RemoteFile(io.RawIOBase):
    """A file of the bucket read in place, seekable, by ranged GETs of at least
    READ_AHEAD bytes: what a demuxer reads of a header costs a few requests, not the
    whole file."""

    READ_AHEAD = 1024 * 1024

    def __init__(self, area: Area, name: str, size: int) -> None:
        self.bucket, self.where = _where(area, name)
        self.size = size
        self.position = 0
        self.buffer_start = 0
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, target: Any) -> int:
        wanted = len(target)
        if self.position >= self.size or wanted == 0:
            return 0
        offset = self.position - self.buffer_start
        if not (
            offset >= 0 and offset + min(wanted, self.size - self.position) <= len(self.buffer)
        ):
            self._fill(max(wanted, self.READ_AHEAD))
            offset = 0
        chunk = self.buffer[offset : offset + wanted]
        target[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)

    def _fill(self, length: int) -> None:
        last = min(self.size, self.position + length) - 1
        with answering():
            answer = self.bucket.client.get_object(
                **self.where, Range=f"bytes={self.position}-{last}"
            )
            self.buffer = answer["Body"].read()
        self.buffer_start = self.position


CORS_RULE_ID = "ensemble-direct-uploads"


def allow_uploads_from(area: Area, origin: str) -> None:
    """Let browsers on `origin` (the site) PUT parts to the bucket, and read what its
    pages fetch from it (waveforms): its CORS rule for that, replacing ours from before
    and keeping any others the bucket has. (A bucket with no rule at all is open to
    every origin on SeaweedFS and MinIO, and to none on Amazon S3; with one, only to
    what its rules allow.)"""
    bucket = area._bucket()
    with answering():
        try:
            rules = bucket.client.get_bucket_cors(Bucket=bucket.bucket_name)["CORSRules"]
        except ClientError as error:
            if _status(error) != 404:  # 404: the bucket has no CORS rules yet
                raise
            rules = []
        ours = {
            "ID": CORS_RULE_ID,
            "AllowedOrigins": [origin],
            "AllowedMethods": ["GET", "HEAD", "PUT"],
            "AllowedHeaders": ["content-type"],
            "MaxAgeSeconds": 3600,
        }
        kept = [rule for rule in rules if rule.get("ID") != CORS_RULE_ID]
        bucket.client.put_bucket_cors(
            Bucket=bucket.bucket_name, CORSConfiguration={"CORSRules": [*kept, ours]}
        )
