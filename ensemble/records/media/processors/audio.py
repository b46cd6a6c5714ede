"""Audio: a waveform for the player, a picture of it for grids, and a preview if needed.

One decoding pass does everything: each decoded frame goes to the peak counter and, when
the original does not play in browsers, to an AAC encoder (M4A preview).

Rules:
- Plays as is (no preview): MP3, AAC (ADTS, or in an MP4/M4A), Opus or Vorbis in Ogg or
  WebM. Everything else (WAV, FLAC, AIFF, ALAC, other codecs) gets an AAC preview; the
  lossless ones would also be heavy to stream.
- A decoding error anywhere is a damaged file (MediaError), never a half waveform. A file
  that simply ends early (a cut WAV) is what it is: the duration is what was decoded.
- Decoding stops once it passes the duration limit, whatever the header claimed.
- Every original also gets a `download`: its streams copied without tags, cover art or
  location (`media/remux.py`), served to others instead of the original.
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path
from typing import cast

import av
import av.error
from av.audio.frame import AudioFrame
from PIL import Image, ImageDraw

from ..avfile import (
    AacTrack,
    Heartbeat,
    Probe,
    audio_stream,
    check_decoded,
    check_duration,
    is_mp4,
    is_webm,
    open_container,
    probe,
)
from ..base import Detected, Limits, MediaError, Progress, RenditionFile, Result
from ..remux import write_download

BUCKETS = 800
# Peaks are first gathered over chunks several times finer than a bucket, so the number
# of buckets stays right even when the header's duration is a little off.
_CHUNKS = 4 * BUCKETS
PREVIEW_BIT_RATE = 160_000
THUMB_SIZE = (480, 120)
# A mid-tone blue that stands out on white and on near-black pages alike.
ACCENT = (59, 130, 246, 255)
DAMAGED = "The audio is damaged and could not be decoded."


def process(
    src: Path, found: Detected, out_dir: Path, limits: Limits, progress: Progress
) -> Result:
    info = probe(src, found, scan=True)
    if not info.has_audio:
        raise MediaError("The file has no audio in it.")
    check_duration(info.duration, limits)
    plays = plays_in_browser(src, found, info)
    preview = None if plays else out_dir / "preview.m4a"
    decoding = Heartbeat(lambda done: progress(0.8 * done), info.duration)
    peaks = _decode(src, found.fmt, info, preview, decoding, limits)
    duration = peaks.seconds
    renditions = [
        _write_waveform(out_dir / "waveform.json", peaks.buckets(BUCKETS), duration),
        _draw_waveform(out_dir / "waveform.png", peaks.buckets(THUMB_SIZE[0])),
    ]
    if preview is not None:
        renditions.append(RenditionFile("preview", preview, "audio/mp4"))
    copying = Heartbeat(lambda done: progress(0.8 + 0.2 * done), duration)
    renditions.append(write_download(src, found, out_dir, limits, copying))
    progress(1.0)
    metadata = {
        "duration": round(duration, 3),
        "audio_codec": info.audio_codec,
        "sample_rate": info.sample_rate,
        "channels": info.channels,
        "plays_in_browser": plays,
    }
    return Result(kind="audio", metadata=metadata, renditions=renditions)


def plays_in_browser(src: Path, found: Detected, info: Probe) -> bool:
    """Whether Chromium plays the original as is (see the module docstring)."""
    codec = info.audio_codec
    if found.fmt in ("mp3", "aac"):
        return codec in ("mp3", "aac")
    if found.fmt == "mov":
        return codec in ("aac", "mp3") and is_mp4(src, found)
    if found.fmt == "ogg":
        return codec in ("opus", "vorbis")
    if found.fmt == "matroska":
        return codec in ("opus", "vorbis") and is_webm(src, found)
    return False


class Peaks:
    """Running minimum and maximum of float samples, reduced to buckets at the end.

    All channels count (the loudest one shows): a mono downmix would add correlated
    channels together and overstate the peaks by up to 3 dB.

    Extremes are taken by Pillow ("F" images have `getextrema` in C): a Python loop over
    every sample would take seconds per minute of audio.
    """

    def __init__(self, rate: int, channels: int, expected_seconds: float | None) -> None:
        self.rate = rate
        self.channels = channels
        self.samples = 0
        self._chunk = max(1, int(rate * (expected_seconds or 60.0)) // _CHUNKS)
        self._starts = array("q")
        self._lows = array("f")
        self._highs = array("f")

    @property
    def seconds(self) -> float:
        return self.samples / self.rate

    def add(self, frame: AudioFrame) -> None:
        """Take a packed float frame (the plane may be padded past its samples)."""
        count = frame.samples
        width = 4 * self.channels  # bytes per sample, all channels
        data = memoryview(frame.planes[0]).cast("B")[: count * width]
        for first in range(0, count, self._chunk):
            size = min(self._chunk, count - first)
            part = data[first * width : (first + size) * width]
            # memoryview is a buffer Pillow reads in place; its stubs only name bytes.
            raw = cast(bytes, part)
            image = Image.frombuffer("F", (size * self.channels, 1), raw, "raw", "F", 0, 1)
            low, high = cast(tuple[float, float], image.getextrema())
            self._starts.append(self.samples + first)
            self._lows.append(low)
            self._highs.append(high)
        self.samples += count

    def buckets(self, count: int) -> list[list[float]]:
        """`count` [min, max] pairs in -1..1 (fewer for very short audio)."""
        count = max(1, min(count, self.samples))
        lows = [1.0] * count
        highs = [-1.0] * count
        seen = [False] * count
        for start, low, high in zip(self._starts, self._lows, self._highs, strict=True):
            index = start * count // self.samples
            lows[index] = min(lows[index], low)
            highs[index] = max(highs[index], high)
            seen[index] = True
        pairs: list[list[float]] = []
        for index in range(count):
            if not seen[index]:  # a chunk wider than a bucket: repeat its neighbour
                pairs.append(list(pairs[-1]) if pairs else [0.0, 0.0])
                continue
            pairs.append([_clamp(lows[index]), _clamp(highs[index])])
        return pairs


def _clamp(value: float) -> float:
    return round(min(1.0, max(-1.0, value)), 3)


def _decode(
    src: Path,
    fmt: str,
    info: Probe,
    preview: Path | None,
    heartbeat: Heartbeat,
    limits: Limits,
) -> Peaks:
    """Decode once: peaks always, the AAC preview when `preview` is a path; stop at the
    duration limit."""
    with open_container(src, fmt) as container:
        stream = audio_stream(container)
        if stream is None:
            raise MediaError("The file has no audio in it.")
        layout = stream.layout
        peaks = Peaks(stream.sample_rate or 48000, layout.nb_channels, info.duration)
        packed = av.AudioResampler(format="flt", layout=layout, rate=peaks.rate)
        out = None
        try:
            if preview is not None:
                out = av.open(str(preview), "w", format="ipod", options={"movflags": "+faststart"})
            track = AacTrack(out, stream, PREVIEW_BIT_RATE, keep_time=False) if out else None
            for frame in container.decode(stream):
                for part in packed.resample(frame):
                    peaks.add(part)
                if track is not None:
                    track.write(frame)
                check_decoded(peaks.seconds, limits)
                heartbeat.beat(peaks.seconds)
            for part in packed.resample(None):
                peaks.add(part)
            if track is not None:
                track.write(None)
        except (av.error.FFmpegError, ValueError) as error:
            raise MediaError(DAMAGED) from error
        finally:
            if out is not None:
                out.close()
    if peaks.samples == 0:
        raise MediaError(DAMAGED)
    return peaks


def _write_waveform(path: Path, peaks: list[list[float]], duration: float) -> RenditionFile:
    payload = {"version": 1, "duration": round(duration, 3), "peaks": peaks}
    path.write_text(json.dumps(payload, separators=(",", ":")))
    return RenditionFile("waveform", path, "application/json")


def _draw_waveform(path: Path, peaks: list[list[float]]) -> RenditionFile:
    """One vertical line per column on a transparent background, in a single accent."""
    width, height = THUMB_SIZE
    image = Image.new("RGBA", THUMB_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    middle = (height - 1) / 2
    for x in range(width):
        low, high = peaks[x * len(peaks) // width]
        top = round(middle - high * middle)
        bottom = max(top, round(middle - low * middle))
        draw.line([(x, top), (x, bottom)], fill=ACCENT)
    image.save(path, "PNG", optimize=True)
    return RenditionFile("thumb_small", path, "image/png", width, height)
