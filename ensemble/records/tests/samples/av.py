"""Real audio and video files written with PyAV, for tests, benchmarks and the demo.

Everything is generated: a gradient with a bar sliding across it and a sine tone, in the
containers and codecs people upload. Also hostile fixtures (an HLS playlist, an ffconcat
list) that refer to other files, and a way to cut a file short.

No numpy (PyAV does not need it): pictures are drawn with Pillow, samples packed with
`array`. One second of tone is computed once and repeated.
"""

from __future__ import annotations

import array
import math
from collections.abc import Iterator
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import BinaryIO, cast

import av
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.stream import Disposition
from av.video.stream import VideoStream
from PIL import Image, ImageDraw

_VIDEO_CONTAINERS = {"mp4": "mp4", "mov": "mov", "webm": "webm", "mkv": "matroska"}
_VIDEO_AUDIO_CODEC = {"mp4": "aac", "mov": "aac", "webm": "libopus", "mkv": "libopus"}
# muxer, encoder, and whether the encoder insists on 48 kHz
_AUDIO_CONTAINERS = {
    "wav": ("wav", "pcm_s16le"),
    "aiff": ("aiff", "pcm_s16be"),
    "flac": ("flac", "flac"),
    "mp3": ("mp3", "libmp3lame"),
    "m4a": ("mp4", "aac"),
    "ogg": ("ogg", "libopus"),
    "webm": ("webm", "libopus"),
}
_OPUS_RATE = 48000
_AUDIO_FRAME = 1024

DEFAULT_URL = "http://127.0.0.1:9/x.ts"


def write_video(
    path: Path,
    *,
    seconds: float = 1.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 24,
    codec: str = "libx264",
    container: str = "mp4",
    audio: bool = True,
    rotation: int | None = None,
    pix_fmt: str = "yuv420p",
    metadata: dict[str, str] | None = None,
) -> Path:
    """A moving test pattern (plus a 440 Hz tone when `audio`).

    `container` is "mp4", "mov", "webm" or "mkv"; `codec` any encoder PyAV has
    ("libx264", "libx265", "libvpx-vp9", "mpeg4"). `rotation` (clockwise degrees, as a
    phone writes it) goes into the stream's display matrix; the pixels stay landscape.
    `metadata` is written as container tags (see `open_output`).
    """
    if codec not in av.codecs_available:
        raise ValueError(f"This FFmpeg has no {codec} encoder.")
    out = open_output(path, _VIDEO_CONTAINERS[container], metadata)
    try:
        stream = cast(VideoStream, out.add_stream(codec, rate=fps, options=_quiet(codec)))
        stream.width, stream.height = size
        stream.pix_fmt = pix_fmt
        if rotation:
            # PyAV counts counterclockwise, phones (and our Probe) clockwise.
            stream.set_display_rotation(-rotation)
        sound = _add_audio(out, _VIDEO_AUDIO_CODEC[container], 48000, 2) if audio else None
        frames = max(1, round(seconds * fps))
        for index, picture in enumerate(_pattern(size, frames)):
            frame = av.VideoFrame.from_image(picture).reformat(format=pix_fmt)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        if sound is not None:
            _write_tone(out, sound, seconds, 48000, 2)
    finally:
        out.close()
    return path


# Where a phone puts the place a video was shot: QuickTime's `©xyz` (FFmpeg's "location",
# written by its mov muxer) and Apple's metadata key (written as an mdta key, also in MP4).
LOCATION = "+48.8584+002.2945/"
PHONE_METADATA = {
    "location": LOCATION,
    "com.apple.quicktime.location.ISO6709": "+48.8584+002.2945+035.000/",
    "title": "Secret title",
    "comment": "Shot at home",
}


def open_output(path: Path, muxer: str, metadata: dict[str, str] | None) -> OutputContainer:
    """An output container carrying `metadata` as its tags: ID3 in MP3, Vorbis comments
    in Ogg and FLAC, Matroska tags, INFO in WAV, `udta` and `meta` boxes in MP4 and MOV
    (the MP4 muxer writes keys it has no box for only with `use_metadata_tags`)."""
    options = {"movflags": "+use_metadata_tags"} if metadata and muxer == "mp4" else {}
    out = av.open(str(path), mode="w", format=muxer, options=options)
    if metadata:
        out.metadata.update(metadata)
    return out


def _quiet(codec: str) -> dict[str, str]:
    """x265 prints a page of banner per file unless told not to."""
    return {"x265-params": "log-level=error"} if codec == "libx265" else {}


def _pattern(size: tuple[int, int], frames: int) -> Iterator[Image.Image]:
    """A diagonal colour gradient with a white bar crossing it once over the clip."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    background = Image.merge(
        "RGB",
        (
            gradient,
            gradient.transpose(Image.Transpose.ROTATE_90).resize(size),
            Image.new("L", size, 96),
        ),
    )
    bar = max(2, width // 16)
    for index in range(frames):
        picture = background.copy()
        left = (width - bar) * index // max(1, frames - 1)
        ImageDraw.Draw(picture).rectangle((left, 0, left + bar, height), fill=(255, 255, 255))
        yield picture


def write_audio(
    path: Path,
    *,
    seconds: float = 1.0,
    container: str = "wav",
    rate: int = 44100,
    channels: int = 2,
    cover_art: bool = False,
    metadata: dict[str, str] | None = None,
) -> Path:
    """A 440 Hz tone. Containers: wav, aiff, flac, mp3, m4a, ogg (Opus), webm (Opus).

    `cover_art` adds a PNG picture as an attached-picture stream (mp3, m4a, flac), the
    way music files carry album covers. `metadata` becomes tags (see `open_output`).
    """
    muxer, codec = _AUDIO_CONTAINERS[container]
    if codec not in av.codecs_available:
        raise ValueError(f"This FFmpeg has no {codec} encoder.")
    out = open_output(path, muxer, metadata)
    try:
        encoder_rate = _OPUS_RATE if codec == "libopus" else rate
        stream = _add_audio(out, codec, encoder_rate, channels)
        if cover_art:
            write_cover(out)
        _write_tone(out, stream, seconds, rate, channels)
    finally:
        out.close()
    return path


def _add_audio(out: OutputContainer, codec: str, rate: int, channels: int) -> AudioStream:
    layout = "mono" if channels == 1 else "stereo"
    stream = cast(AudioStream, out.add_stream(codec, rate=rate, layout=layout))
    if codec in ("aac", "libmp3lame", "libopus"):
        stream.bit_rate = 96000
    return stream


def _write_tone(
    out: OutputContainer, stream: AudioStream, seconds: float, rate: int, channels: int
) -> None:
    """Feed the encoder s16 frames; PyAV converts them to the encoder's own format."""
    layout = "mono" if channels == 1 else "stereo"
    one_second = _tone(rate, channels)
    total = round(seconds * rate)
    width = 2 * channels
    done = 0
    while done < total:
        count = min(_AUDIO_FRAME, total - done)
        start = done % rate
        data = (
            (one_second * 2)[start * width : (start + count) * width]
            if start + count > rate
            else one_second[start * width : (start + count) * width]
        )
        frame = av.AudioFrame(format="s16", layout=layout, samples=count)
        frame.planes[0].update(data)
        frame.sample_rate = rate
        frame.pts = done
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
        done += count
    out.mux(stream.encode(None))


@cache  # 44,100 sines in Python: the same second for every file a test run writes
def _tone(rate: int, channels: int) -> bytes:
    """One second of 440 Hz at half scale, interleaved s16: a whole number of cycles."""
    samples = array.array("h")
    for index in range(rate):
        value = int(16000 * math.sin(2 * math.pi * 440 * index / rate))
        samples.extend([value] * channels)
    return samples.tobytes()


def write_cover(out: OutputContainer) -> None:
    """A small PNG written once, marked as the attached picture (album cover)."""
    stream = cast(VideoStream, out.add_stream("png"))
    stream.width, stream.height = 64, 64
    stream.pix_fmt = "rgb24"
    stream.disposition = Disposition.attached_pic
    frame = av.VideoFrame.from_image(Image.new("RGB", (64, 64), (200, 60, 40)))
    frame.pts = 0
    for packet in stream.encode(frame) + stream.encode(None):
        packet.stream = stream
        out.mux(packet)


def hls_playlist(
    directory: Path, *, neighbour: str = "neighbour.ts", url: str = DEFAULT_URL
) -> Path:
    """An HLS playlist whose segments are a neighbour file and a URL.

    Opened carelessly, FFmpeg reads both. The neighbour is written as a real MPEG-TS
    clip unless something (a FIFO, in the tests) is already there.
    """
    _write_neighbour(directory / neighbour)
    playlist = directory / "playlist.m3u8"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:1.0,\n{neighbour}\n#EXTINF:1.0,\n{url}\n#EXT-X-ENDLIST\n"
    )
    return playlist


def ffconcat_list(
    directory: Path, *, neighbour: str = "neighbour.ts", url: str = DEFAULT_URL
) -> Path:
    """An ffconcat list naming a neighbour file and a URL (same idea as `hls_playlist`)."""
    _write_neighbour(directory / neighbour)
    listing = directory / "list.ffconcat"
    listing.write_text(f"ffconcat version 1.0\nfile '{neighbour}'\nfile '{url}'\n")
    return listing


def _write_neighbour(path: Path) -> None:
    if path.exists() or path.is_fifo():
        return
    out = av.open(str(path), mode="w", format="mpegts")
    try:
        stream = cast(VideoStream, out.add_stream("mpeg2video", rate=10))
        stream.width, stream.height = 64, 48
        stream.pix_fmt = "yuv420p"
        for index, picture in enumerate(_pattern((64, 48), 5)):
            frame = av.VideoFrame.from_image(picture).reformat(format="yuv420p")
            frame.pts = index
            frame.time_base = Fraction(1, 10)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    finally:
        out.close()


class _Unseekable:
    """A sink that can only be written forward, like the stream a browser records into."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def write(self, data: bytes) -> int:
        return self._handle.write(data)


def streamed(src: Path, dst: Path, muxer: str = "webm") -> Path:
    """Copy `src`'s streams into `dst` the way MediaRecorder writes: never seeking back,
    so the header has no duration (the muxer cannot go back to fill it in)."""
    with av.open(str(src)) as source, dst.open("wb") as handle:
        out = av.open(_Unseekable(handle), mode="w", format=muxer)
        try:
            targets = {s.index: out.add_stream_from_template(s) for s in source.streams}
            for packet in source.demux():
                if packet.size:
                    packet.stream = targets[packet.stream.index]
                    out.mux(packet)
        finally:
            out.close()
    return dst


def truncated(path: Path, keep: float = 0.5) -> Path:
    """Cut the file to its first `keep` fraction, as an interrupted upload would."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
