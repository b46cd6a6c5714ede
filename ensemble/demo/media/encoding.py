"""Writing MP4 (H.264 + AAC) and M4A (AAC) into memory with PyAV.

Why these formats: every browser plays them, the project's processors take AAC in MP4
as it is, and the FFmpeg in the PyAV wheel has both encoders (libx264 and its native AAC).

Sound travels as `array("h")`: mono signed 16-bit samples at `RATE`. No numpy (PyAV does
not need it): frames are filled from the array's bytes, and PyAV converts s16 into the
planar floats the AAC encoder wants. Audio is muxed alongside the pictures, a frame's
worth at a time, so a player streaming the file gets both from the start.
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Iterable
from fractions import Fraction
from typing import cast

import av
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.stream import VideoStream
from PIL import Image

RATE = 32_000  # enough for these timbres, and a third less to synthesise than 48 kHz
_CHUNK = 1024  # one AAC frame
_AAC_BIT_RATE = 64_000
# Small and quick: the demo shows the platform, not picture quality. Without MB-tree:
# with it, this x264 now and then encodes the same frames to different bytes (its
# lookahead runs in threads), and the demo's media should be the same on every build.
_X264 = {"preset": "veryfast", "crf": "30", "x264-params": "mbtree=0"}


def check_even(size: tuple[int, int]) -> None:
    """yuv420p halves the chroma both ways, so H.264 wants even dimensions."""
    if size[0] % 2 or size[1] % 2 or min(size) < 2:
        raise ValueError(f"Video dimensions must be even and positive, not {size[0]}x{size[1]}.")


def mp4(
    frames: Iterable[Image.Image], size: tuple[int, int], fps: int, sound: array | None = None
) -> bytes:
    """H.264 video of `frames` (each `size`), with an AAC track when `sound` is given.

    The sound is trimmed to the pictures: it is muxed up to the end of each frame in turn.
    """
    check_even(size)
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        video = cast(VideoStream, out.add_stream("libx264", rate=fps, options=_X264))
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        audio = _aac(out) if sound is not None else None
        sent = 0
        for index, picture in enumerate(frames):
            frame = av.VideoFrame.from_image(picture.convert("RGB")).reformat(format="yuv420p")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
            if audio is not None and sound is not None:
                until = min(len(sound), (index + 1) * RATE // fps)
                sent = _send(out, audio, sound, sent, until)
        out.mux(video.encode(None))
        if audio is not None:
            out.mux(audio.encode(None))
    return buffer.getvalue()


def m4a(sound: array) -> bytes:
    """AAC in an MP4 container (an .m4a file)."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        audio = _aac(out)
        _send(out, audio, sound, 0, len(sound))
        out.mux(audio.encode(None))
    return buffer.getvalue()


def _aac(out: OutputContainer) -> AudioStream:
    stream = cast(AudioStream, out.add_stream("aac", rate=RATE, layout="mono"))
    stream.bit_rate = _AAC_BIT_RATE
    return stream


def _send(out: OutputContainer, stream: AudioStream, sound: array, start: int, end: int) -> int:
    """Encode samples `start` to `end` in AAC-sized frames; returns where it stopped.

    A short tail (less than a frame) waits for the next call, except at the very end.
    """
    while start < end and (end - start >= _CHUNK or end == len(sound)):
        count = min(_CHUNK, end - start)
        frame = av.AudioFrame(format="s16", layout="mono", samples=count)
        frame.planes[0].update(sound[start : start + count].tobytes())
        frame.sample_rate = RATE
        frame.pts = start
        frame.time_base = Fraction(1, RATE)
        out.mux(stream.encode(frame))
        start += count
    return start
