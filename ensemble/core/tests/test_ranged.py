"""ranged_file_response: the 200/206/304/416 answers browsers need to seek in audio and video."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import path as url_path
from django.utils.http import http_date

from ensemble.core import ranged
from ensemble.core.ranged import ranged_file_response

DATA = bytes(range(256)) * 4  # 1024 bytes, each offset recognisable
CT = "audio/ogg"
rf = RequestFactory()

_served: dict[str, Path] = {}

# Closing a response sends request_finished, which tidies database connections.
pytestmark = pytest.mark.django_db


def _view(request: HttpRequest) -> HttpResponse:
    return ranged_file_response(request, _served["path"], content_type=CT)


urlpatterns = [url_path("media/", _view)]


@pytest.fixture
def media(tmp_path: Path) -> Path:
    file = tmp_path / "track.ogg"
    file.write_bytes(DATA)
    return file


def _get(file: Path, method: str = "get", **headers: str) -> Any:
    request = getattr(rf, method)("/media/", headers=headers)
    return ranged_file_response(request, file, content_type=CT)


def _body(response: Any) -> bytes:
    try:
        return b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()


def test_full_get_has_every_header(media: Path) -> None:
    response = _get(media)
    assert response.status_code == 200
    assert response["Content-Type"] == CT
    assert response["Content-Length"] == "1024"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Last-Modified"] == http_date(media.stat().st_mtime)
    assert response["ETag"].startswith('"')
    assert not response["ETag"].startswith("W/")
    assert "Content-Range" not in response
    assert "Content-Disposition" not in response
    assert _body(response) == DATA


def test_etag_changes_with_the_file(media: Path) -> None:
    before = _get(media)["ETag"]
    os.utime(media, ns=(1, 1))
    assert _get(media)["ETag"] != before


def test_head_has_headers_and_no_body(media: Path) -> None:
    response = _get(media, "head", Range="bytes=0-9")
    assert response.status_code == 200  # HEAD ignores Range (RFC 9110 §14.2)
    assert response["Content-Length"] == "1024"
    assert response["Content-Type"] == CT
    assert response["Accept-Ranges"] == "bytes"
    assert _body(response) == b""


def test_other_methods_not_allowed(media: Path) -> None:
    response = _get(media, "post")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_missing_file_is_404(tmp_path: Path) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        _get(tmp_path / "nope.ogg")


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=100-199", 100, 199),
        ("bytes=1000-", 1000, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=1020-5000", 1020, 1023),  # end clamped
        ("bytes=-5000", 0, 1023),  # suffix longer than the file
        ("bytes=1023-1023", 1023, 1023),
        ("BYTES = 5 - 6", 5, 6),  # unit is case-insensitive, whitespace tolerated
    ],
)
def test_single_ranges(media: Path, header: str, start: int, end: int) -> None:
    response = _get(media, Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/1024"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == CT
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == DATA[start : end + 1]


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable(media: Path, header: str) -> None:
    response = _get(media, Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"
    assert response["Content-Type"] == CT
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == b""


@pytest.mark.parametrize("header", ["bytes=0-", "bytes=-1", "bytes=0-0"])
def test_empty_file_cannot_satisfy_any_range(tmp_path: Path, header: str) -> None:
    empty = tmp_path / "empty.ogg"
    empty.write_bytes(b"")
    response = _get(empty, Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */0"
    assert _get(empty).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["items=0-9", "bytes=abc", "bytes=9-0", "bytes=-", "0-9", "bytes=0-1,5-6", "bytes=0-1,"],
)
def test_invalid_or_multiple_ranges_get_the_whole_file(media: Path, header: str) -> None:
    response = _get(media, Range=header)
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert _body(response) == DATA


def test_if_range_matching_etag_or_date_honours_range(media: Path) -> None:
    full = _get(media)
    for validator in (full["ETag"], full["Last-Modified"]):
        response = _get(media, Range="bytes=0-3", If_Range=validator)
        assert response.status_code == 206
        assert _body(response) == DATA[:4]


@pytest.mark.parametrize("stale", ['"other"', "W/{etag}", "Thu, 01 Jan 1970 00:00:00 GMT", "junk"])
def test_if_range_mismatch_sends_everything(media: Path, stale: str) -> None:
    etag = _get(media)["ETag"]
    response = _get(media, Range="bytes=0-3", If_Range=stale.format(etag=etag))
    assert response.status_code == 200
    assert _body(response) == DATA


def test_not_modified_by_etag(media: Path) -> None:
    etag = _get(media)["ETag"]
    for header in (etag, f'"x", W/{etag}', "*"):
        response = _get(media, If_None_Match=header, Range="bytes=0-3")
        assert response.status_code == 304
        assert response["ETag"] == etag
        assert "Content-Type" not in response
        assert _body(response) == b""
    assert _get(media, If_None_Match='"x"').status_code == 200


def test_not_modified_by_date_only_without_if_none_match(media: Path) -> None:
    last_modified = _get(media)["Last-Modified"]
    assert _get(media, If_Modified_Since=last_modified).status_code == 304
    assert _get(media, If_Modified_Since="Thu, 01 Jan 1970 00:00:00 GMT").status_code == 200
    mismatch = _get(media, If_Modified_Since=last_modified, If_None_Match='"x"')
    assert mismatch.status_code == 200


def test_download_name_is_made_safe(media: Path) -> None:
    request = rf.get("/media/")
    name = 'Ünïcode "quoted"/..\\evil\r\nX-Injected: 1\x00 ♪.ogg'
    response = ranged_file_response(request, media, content_type=CT, download_name=name)
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="Unicode quoted..evilX-Injected: 1 .ogg"')
    assert "filename*=UTF-8''%C3%9Cn%C3%AFcode%20quoted..evilX-Injected%3A%201%20%E2%99%AA.ogg" in (
        header
    )
    assert not any(c in header for c in "\r\n\x00/\\")
    response.close()


def test_inline_name(media: Path) -> None:
    response = ranged_file_response(rf.get("/"), media, content_type=CT, inline_name="take 1.ogg")
    assert response["Content-Disposition"] == 'inline; filename="take 1.ogg"'
    response.close()
    with pytest.raises(ValueError, match="not both"):
        ranged_file_response(
            rf.get("/"), media, content_type=CT, inline_name="a", download_name="b"
        )


def test_file_is_closed(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Any] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr(Path, "open", spy)
    response = _get(media, Range="bytes=10-19")
    assert not opened[-1].closed
    assert _body(response) == DATA[10:20]  # consumes, then closes
    assert opened[-1].closed
    for headers in ({"If_None_Match": "*"}, {"Range": "bytes=9999-"}):
        _get(media, **headers)
        assert opened[-1].closed
    _get(media, "head")
    assert opened[-1].closed


def test_large_file_streams_a_middle_range_in_chunks(tmp_path: Path) -> None:
    big = tmp_path / "big.ogg"
    payload = os.urandom(3 * 1024 * 1024)
    big.write_bytes(payload)
    start, end = 1_000_000, 2_000_000
    response = _get(big, Range=f"bytes={start}-{end}")
    assert response.status_code == 206
    assert response["Content-Length"] == str(end - start + 1)
    stream = response.streaming_content
    assert isinstance(stream, Iterator)
    chunks = list(stream)
    response.close()
    assert max(len(c) for c in chunks) == ranged.CHUNK_SIZE
    assert len(chunks) == -(-(end - start + 1) // ranged.CHUNK_SIZE)
    assert b"".join(chunks) == payload[start : end + 1]


@pytest.mark.urls(__name__)
def test_full_stack_through_middleware(client: Any, media: Path) -> None:
    _served["path"] = media
    response = client.get("/media/", headers={"Range": "bytes=2-5"})
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 2-5/1024"
    assert response["Content-Length"] == "4"
    assert response["Content-Type"] == CT
    assert b"".join(response.streaming_content) == DATA[2:6]
    response.close()
    head = client.head("/media/")
    assert head.status_code == 200
    assert head["Content-Length"] == "1024"
    assert head.content == b""
