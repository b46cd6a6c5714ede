"""Serve a file with HTTP range support (RFC 9110), which Django's FileResponse lacks.

Browsers seek in <audio>/<video> with Range requests; without 206 answers Chromium cannot
seek and reports Ogg durations as Infinity. Only single ranges are served: a multi-range
request gets the whole file (200), which RFC 9110 §14.2 allows and spares us multipart.
HEAD ignores Range (RFC 9110 §14.2: range handling is defined for GET only). Nothing is
compressed or cached here, so a GZip middleware (not installed) must never wrap these.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.http import http_date, parse_etags, parse_http_date_safe

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.IGNORECASE)
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/]')


class _Window:
    """A read-only view of ``length`` bytes from ``start``, so FileResponse streams a range.

    It has no tell/seek/fileno/name on purpose: FileResponse would otherwise compute
    Content-Length from the whole file and WSGI servers could sendfile() the whole file.
    """

    def __init__(self, file: BinaryIO, start: int, length: int) -> None:
        file.seek(start)
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        data = self._file.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()

    @property
    def closed(self) -> bool:
        return self._file.closed


def _parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """Return (start, end) inclusive, None to ignore the header, or False if unsatisfiable."""
    match = _RANGE.match(header.replace(" ", "").replace("\t", ""))
    if match is None:  # other unit, garbage, or several ranges: serve the whole file
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        if last and start > int(last):
            return None  # invalid syntax per RFC 9110 §14.1.1, so ignored
        if start >= size:
            return False
        return start, min(int(last), size - 1) if last else size - 1
    if not last:
        return None
    suffix = int(last)
    if suffix == 0 or size == 0:
        return False
    return max(size - suffix, 0), size - 1


def _if_range_matches(value: str, etag: str, mtime: int) -> bool:
    """If-Range holds only on a strong ETag match or an exact Last-Modified date."""
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag  # a weak tag never compares strongly equal
    return parse_http_date_safe(value) == mtime


def _not_modified(request: HttpRequest, etag: str, mtime: int) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and mtime <= since


def content_disposition(kind: str, name: str) -> str:
    """RFC 6266/5987: an ASCII fallback plus filename* in UTF-8, minus anything unsafe."""
    clean = _UNSAFE_IN_NAME.sub("", unicodedata.normalize("NFC", name)).strip() or "download"
    ascii_name = unicodedata.normalize("NFKD", clean).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.strip() or "download"
    header = f'{kind}; filename="{ascii_name}"'
    if ascii_name != clean:
        header += f"; filename*=UTF-8''{quote(clean, safe='')}"
    return header


def ranged_file_response(
    request: HttpRequest,
    path: Path,
    *,
    content_type: str,
    download_name: str | None = None,
    inline_name: str | None = None,
    cache_control: str = "private, max-age=3600",
) -> HttpResponse | FileResponse:
    """Answer GET/HEAD for ``path`` with 200, 206, 304, 405 or 416 (raises Http404 if missing).

    The caller does the access control. The file is opened once and stat'ed through the
    open handle, so validators describe exactly the bytes sent; it is closed before
    returning unless a body is streamed, in which case closing the response closes it.
    """
    if download_name is not None and inline_name is not None:
        raise ValueError("pass download_name or inline_name, not both")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        file = path.open("rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise Http404("file not found") from exc
    try:
        stat = os.fstat(file.fileno())
        size, mtime = stat.st_size, int(stat.st_mtime)
        digest = hashlib.sha256(f"{size}:{stat.st_mtime_ns}:{stat.st_ino}".encode()).hexdigest()
        etag = f'"{digest[:20]}"'
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(stat.st_mtime),
            "Cache-Control": cache_control,
            "Accept-Ranges": "bytes",
            "X-Content-Type-Options": "nosniff",
        }
        if _not_modified(request, etag, mtime):
            file.close()
            not_modified = HttpResponse(status=304, headers=headers)
            del not_modified.headers["Content-Type"]  # 304 has no content to type
            return not_modified
        if download_name is not None:
            headers["Content-Disposition"] = content_disposition("attachment", download_name)
        elif inline_name is not None:
            headers["Content-Disposition"] = content_disposition("inline", inline_name)

        span: tuple[int, int] | bool | None = None
        range_header = request.headers.get("Range")
        if range_header is not None and request.method == "GET":
            if_range = request.headers.get("If-Range")
            if if_range is None or _if_range_matches(if_range, etag, mtime):
                span = _parse_range(range_header, size)
        if span is False:
            file.close()
            headers |= {"Content-Range": f"bytes */{size}", "Content-Length": "0"}
            return HttpResponse(status=416, content_type=content_type, headers=headers)
        start, end = span if isinstance(span, tuple) else (0, size - 1)
        length = end - start + 1
        headers["Content-Length"] = str(length)
        if request.method == "HEAD":
            file.close()
            return HttpResponse(content_type=content_type, headers=headers)
        response = FileResponse(_Window(file, start, length), content_type=content_type)
    except BaseException:
        file.close()
        raise
    response.block_size = CHUNK_SIZE
    for name, value in headers.items():
        response.headers[name] = value
    if isinstance(span, tuple):
        response.status_code = 206
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
