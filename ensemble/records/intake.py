"""Deciding, before anything is saved, whether an upload can become a record.

Everything here runs inside the upload request, so a wrong, oversized or hostile file
gets a clear 4xx answer at once and nothing is stored. Checks that need the whole file
decoded (a corrupt frame in minute 40) happen later, in processing, and end in a
*failed* state with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from io import RawIOBase
from pathlib import Path

from django.conf import settings

from ensemble.core.progress import readable_size
from ensemble.core.refusals import Refused
from ensemble.core.text import without_bidi_controls
from ensemble.records.media import avfile, sniff
from ensemble.records.media.base import Detected, Kind, Limits, MediaError
from ensemble.records.models import Record

KIND_NOUNS = {
    "text": "a text",
    "image": "an image",
    "audio": "an audio file",
    "video": "a video",
    "other": "a file",
}


@dataclass(frozen=True)
class Examined:
    kind: Kind
    found: Detected


def limits() -> Limits:
    return Limits(
        max_image_pixels=settings.RECORD_MAX_IMAGE_PIXELS,
        max_duration_seconds=settings.RECORD_MAX_DURATION_SECONDS,
    )


def examine(
    path: Path, *, size: int, declared_kind: str | None = None, media: RawIOBase | None = None
) -> Examined:
    """What the file is, from its bytes; refused if unsupported, mismatched or too big.

    `path` holds the file, or (with `media`, the whole file read in place: a file in the
    bucket, records.direct) just its first sniff.HEAD_SIZE bytes."""
    if size == 0:
        raise Refused("The file is empty.", code="empty_file", field="file")
    try:
        found = sniff.detect(path)
        kind: Kind
        if found.family == "av":
            probe = avfile.probe(media or path, found)
            kind = probe.kind
        else:
            kind = found.family
    except MediaError as error:
        raise Refused(error.message, status=415, code="unsupported_file", field="file") from None
    if declared_kind and declared_kind != kind:
        raise Refused(
            f"The file is {KIND_NOUNS[kind]} ({found.label}), not {KIND_NOUNS[declared_kind]}.",
            code="kind_mismatch",
            field="file",
        )
    limit = settings.RECORD_MAX_BYTES[kind]
    if size > limit:
        raise Refused(
            f"{Record.Kind(kind).label} files can be at most {readable_size(limit)}; "
            f"this one is {readable_size(size)}.",
            status=413,
            code="too_large",
            field="file",
        )
    if found.family == "av":
        try:
            avfile.check_duration(probe.duration, limits())
        except MediaError as error:
            raise Refused(error.message, code="too_long", field="file") from None
    return Examined(kind=kind, found=found)


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def display_name(raw: str | None) -> str:
    """The uploader's file name, made harmless for showing and offering back.

    Only the last path part is kept, control and path characters become "_", and the
    name is cut to 255 characters keeping its extension. It is never used on disk.
    """
    name = unicodedata.normalize("NFC", without_bidi_controls(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot and stem else ""
        name = name[: 254 - len(ext)] + ("." + ext if ext else "")
    return name


def served_name(original_name: str, extension: str) -> str:
    """The name a download is offered under: the uploader's name, but the extension of
    what the file really is, so "song.mp3.html" holding an MP3 is saved as an MP3."""
    stem = original_name.rpartition(".")[0] if "." in original_name else original_name
    return f"{stem or 'download'}{extension}"


def title_from_name(name: str) -> str:
    stem = name.rpartition(".")[0] or name
    title = re.sub(r"[_\s]+", " ", stem).strip()
    return title[:200] or "Untitled"
