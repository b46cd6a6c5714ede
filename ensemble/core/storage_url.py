"""STORAGE_URL → Django's STORAGES: local folders, or one S3-compatible bucket.

    s3://[ACCESS_KEY:SECRET_KEY@]BUCKET[/PREFIX]?endpoint=URL[&region=R][&public=URL]
        [&addressing=path|virtual]

Without keys in the URL, boto3 finds them as usual (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, a profile, an instance role). `endpoint` is the store's address
(leave it out for Amazon S3 itself); `public` is where browsers reach it, when that
differs. Each area of files is a prefix of the bucket: `PREFIX/records/`, `PREFIX/media/`,
`PREFIX/exports/` (ensemble.core.filestore).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_KNOWN = {"endpoint", "region", "public", "addressing"}
BUCKET = "ensemble.core.filestore.BucketStorage"
LOCAL = "django.core.files.storage.FileSystemStorage"


def storages_from_url(
    name: str, raw: str, *, roots: dict[str, Path], media_url: str
) -> dict[str, dict[str, Any]]:
    """STORAGES entries for the three areas (`default` holds avatars, under media/)."""
    if not raw:
        return {
            "default": {"BACKEND": LOCAL},  # follows MEDIA_ROOT, as Django's default does
            "records": {"BACKEND": LOCAL, "OPTIONS": {"location": str(roots["records"])}},
            "exports": {"BACKEND": LOCAL, "OPTIONS": {"location": str(roots["exports"])}},
        }
    options = s3_options(name, raw)
    prefix = options.pop("prefix")

    def area(folder: str, **extra: Any) -> dict[str, Any]:
        location = f"{prefix}/{folder}" if prefix else folder
        return {"BACKEND": BUCKET, "OPTIONS": {**options, "location": location, **extra}}

    return {
        "default": area("media", served_at=media_url),
        "records": area("records"),
        "exports": area("exports"),
    }


def s3_options(name: str, raw: str) -> dict[str, Any]:
    """The options every area's BucketStorage shares, plus `prefix`; or ImproperlyConfigured."""
    parts = urlsplit(raw)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"{name} must start with s3:// (or be unset for local files).")
    bucket = parts.hostname or ""
    if not 3 <= len(bucket) <= 63:
        raise ImproperlyConfigured(f"{name} names no bucket (3 to 63 characters): {raw!r}.")
    query = dict(parse_qsl(parts.query))
    unknown = sorted(set(query) - _KNOWN)
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown option(s) {', '.join(unknown)}.")
    addressing = query.get("addressing", "path")
    if addressing not in ("path", "virtual"):
        raise ImproperlyConfigured(f"{name}: addressing must be path or virtual.")
    for option in ("endpoint", "public"):
        if option in query and urlsplit(query[option]).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"{name}: {option} must be an http(s) address.")
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    options: dict[str, Any] = {
        "bucket_name": bucket,
        "prefix": parts.path.strip("/"),
        "endpoint_url": query.get("endpoint"),
        "public_endpoint": query.get("public"),
        "region_name": query.get("region", "us-east-1"),
        "addressing_style": addressing,
        "signature_version": "s3v4",
        # Private by default: nothing is readable without a link this site signed.
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": True,
        # Big files go up in 8 MB parts, four at a time: boto3's default of ten at once
        # held some 70 MB more in a web process uploading a 2 GB video.
        "transfer_config": TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=4),
        "client_config": Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing},
            # A store that does not answer is an error in seconds (readiness, uploads),
            # not after minutes of retrying; a slow answer to a big read is not.
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
        ),
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return options


def media_origin(raw: str) -> list[str]:
    """The origin browsers fetch media from, for the pages' Content-Security-Policy."""
    if not raw:
        return []
    query = dict(parse_qsl(urlsplit(raw).query))
    address = query.get("public") or query.get("endpoint")
    if not address:
        return ["https://*.amazonaws.com"]
    parts = urlsplit(address)
    if query.get("addressing") == "virtual":  # the bucket is a name under the host
        return [f"{parts.scheme}://*.{parts.netloc}"]
    return [f"{parts.scheme}://{parts.netloc}"]
