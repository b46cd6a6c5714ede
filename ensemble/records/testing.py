"""Factories for tests of any app: records made through the real services."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase
from django.test import Client

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


@dataclass
class Served:
    """A media answer as a browser gets it: from the site, or from the store it redirects
    to when files are in a bucket. `redirect` is the site's own 302, if there was one."""

    status_code: int
    headers: dict[str, str]
    body: bytes
    redirect: HttpResponseBase | None = None

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


def served(client: Client, url: str, headers: dict[str, str] | None = None) -> Served:
    """GET a media URL as a browser would, following a redirect to the bucket.

    Reads the whole body (which closes the file; not `response.close()`, which outside the
    test client's own wrapper fires `request_finished` and closes the database connection
    on PostgreSQL). The request's Range and conditional headers go to the store too.
    """
    response = client.get(url, headers=headers or {})
    if response.status_code != 302:
        body = response.getvalue() if response.status_code < 300 else b""
        found = {name.lower(): value for name, value in response.items()}
        return Served(response.status_code, found, body)
    # As browsers do, credentials stay behind on another origin; ranges go along.
    passed = {k: v for k, v in (headers or {}).items() if k.lower() in _TO_THE_STORE}
    target = urllib.request.Request(response["Location"], headers=passed)  # noqa: S310
    try:
        with urllib.request.urlopen(target, timeout=10) as answer:  # noqa: S310
            return Served(answer.status, _lower(answer.headers), answer.read(), response)
    except urllib.error.HTTPError as answer:
        return Served(answer.code, _lower(answer.headers), answer.read(), response)


_TO_THE_STORE = {"range", "if-range", "if-none-match", "if-modified-since"}


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def assert_kept_apart(answer: Served) -> None:
    """Media can never run as a page of the site: served by the site, it carries
    `nosniff` and a sandboxing CSP; from a bucket, it comes from the store's own origin,
    through a redirect no cache keeps."""
    if answer.redirect is None:
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer["Content-Security-Policy"].startswith("sandbox")
        return
    assert urlsplit(answer.redirect["Location"]).netloc not in ("", "testserver")
    assert answer.redirect["Cache-Control"] == "private, no-store"
