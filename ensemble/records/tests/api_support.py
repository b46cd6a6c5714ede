"""Requests and files for the records API tests (test_api.py, test_api_writes.py)."""

from __future__ import annotations

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ensemble.core.testing import image_bytes
from ensemble.records.models import Record
from ensemble.records.testing import served

RECORDS = "/api/v1/records"

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html>\n<html><body><script>alert(1)</script></body></html>\n"
HLS = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:1.0,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n"
POEM = "# Tide\n\nThe sea *keeps* what it is given.\n"


def url(record: Record | int, suffix: str = "") -> str:
    pk = record if isinstance(record, int) else record.pk
    return f"{RECORDS}/{pk}{suffix}"


def png_file(name: str = "picture.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/png")


def noisy_png(side: int = 48) -> bytes:
    """A PNG that does not compress: its size is about 3 × side² bytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def upload(client, headers, data: bytes, name: str, **fields):
    return client.post(RECORDS, {"file": SimpleUploadedFile(name, data), **fields}, headers=headers)


def post_with_raw_file_name(client, headers, name: str, data: bytes, **fields):
    """A multipart body naming the file exactly as given: the test client would basename it."""
    boundary = "ensemble-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(
        RECORDS, body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers
    )


def fetch(client, media_url: str, headers=None):
    """GET a media URL as a browser would, whole (records.testing.served)."""
    return served(client, media_url, headers)
