"""The small interface every media module shares: what a file is, what processing made.

A processor is a module in `processors/` with one function:

    def process(src: Path, found: Detected, out_dir: Path, limits: Limits,
                progress: Progress) -> Result

It reads only `src` (never anything the file refers to), writes its renditions into
`out_dir`, calls `progress(fraction)` now and then (the worker's heartbeat and the page's
progress bar), and raises `MediaError` with a sentence for the uploader when the file
cannot be used. Any other exception is a bug on our side, not the uploader's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Kind = Literal["text", "image", "audio", "video", "other"]
# What the bytes alone can tell: audio and video share containers (MP4, WebM, Ogg), so
# "av" is settled into "audio" or "video" by opening the streams (`avfile.probe`).
Family = Literal["text", "image", "av", "other"]

Progress = Callable[[float], None]


class MediaError(Exception):
    """The file cannot be used; the message is shown to the uploader as the reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Detected:
    """What `sniff.detect` found in a file's first bytes.

    `fmt` is the name to open it with: a Pillow format for images ("JPEG"), a PyAV/FFmpeg
    demuxer for audio and video ("mov", "matroska", "ogg", "mp3", ...), "markdown" for
    text, or a short name for other files ("pdf", "zip"). `mime` is what we serve it as.
    """

    family: Family
    fmt: str
    mime: str
    label: str  # for people: "JPEG image", "FLAC audio", "PDF document"
    extension: str  # for download names, with the dot: ".jpg"


@dataclass(frozen=True)
class Limits:
    max_image_pixels: int = 100_000_000
    max_duration_seconds: float = 3 * 60 * 60


@dataclass
class RenditionFile:
    """One derived file in out_dir. Roles: see `ROLES`."""

    role: str
    path: Path
    content_type: str
    width: int | None = None
    height: int | None = None


ROLES = {
    "thumb_small": "grid thumbnail, fits 480×480 (images, video posters, audio waveforms)",
    "thumb_large": "page-size image, fits 1600×1600 (images, video posters)",
    "poster": "a frame of the video at full preview size, shown before playback",
    "preview": "a version browsers play (H.264/AAC MP4 video, AAC M4A audio)",
    "waveform": "JSON peaks for the audio player",
    "download": "the original with privacy metadata (location) removed, served to others",
}


@dataclass
class Result:
    """What a processor made. `metadata` keys, all optional: width, height, duration
    (seconds, float), video_codec, audio_codec, frame_rate, sample_rate, channels,
    word_count, excerpt, plays_in_browser (bool: the original can be served as is)."""

    kind: Kind
    metadata: dict[str, Any] = field(default_factory=dict)
    renditions: list[RenditionFile] = field(default_factory=list)
    html: str | None = None  # text records: the body rendered to sanitized HTML
