"""Opening audio and video files safely, and what their streams say about them.

FFmpeg follows references inside files: an HLS playlist opens its segments (even over
HTTP), an ffconcat list opens its neighbours. `protocol_whitelist=file` alone does not stop
that. What does is never letting FFmpeg probe: every file is opened with the demuxer that
`sniff` named, checked against `ALLOWED_FORMATS`, and with a format whitelist that leaves
out every demuxer able to refer to another file. `open_container` is the only way the
processors open an upload.

Opening is also bounded: every stream costs FFmpeg a codec context and probing buffers (an
MP4 of 590 KB with 990 audio tracks took 760 MB), so FFmpeg stops at `MAX_STREAMS` and we
refuse more than a few real audio or video tracks. `probe`, which runs inside the upload
request, reads only the header unless told to `scan`.
"""

from __future__ import annotations

import math
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fractions import Fraction
from io import RawIOBase
from pathlib import Path
from typing import BinaryIO, Literal

import av
import av.error
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer, OutputContainer
from av.stream import Disposition
from av.video.stream import VideoStream

from .base import Detected, Limits, MediaError, Progress

# The demuxers `sniff` may return for the "av" family. None of them reads another file.
ALLOWED_FORMATS = frozenset({"mov", "matroska", "ogg", "flac", "wav", "aiff", "mp3", "aac"})
# What FFmpeg itself may switch to: the same demuxers under all their names.
_FORMAT_WHITELIST = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,ogg,mp3,flac,wav,aiff,aac"
# Streams of any kind (subtitles and data too) FFmpeg creates before giving up.
MAX_STREAMS = 16
MAX_VIDEO_TRACKS = 4  # cover art is not counted: it is a picture, not a track
MAX_AUDIO_TRACKS = 8
_OPEN_OPTIONS = {
    "format_whitelist": _FORMAT_WHITELIST,
    "protocol_whitelist": "file",
    "max_streams": str(MAX_STREAMS),
}

DAMAGED = "The file is damaged or not a media file we can read."
TOO_MANY_TRACKS = (
    f"The file has too many tracks; at most {MAX_VIDEO_TRACKS} video and "
    f"{MAX_AUDIO_TRACKS} audio tracks are accepted."
)
# Decoding stops this far past the limit: headers can understate a file's length.
DECODE_SLACK_SECONDS = 0.5

# Sample rates the AAC encoder takes; anything else is resampled to 48 kHz.
_AAC_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})


@contextmanager
def open_container(path: Path | BinaryIO | RawIOBase, fmt: str) -> Iterator[InputContainer]:
    """Open `path` (or a file object: core.multipart.RemoteFile) with the demuxer `fmt`
    only, reading nothing but that one file."""
    if fmt not in ALLOWED_FORMATS:
        raise MediaError("This kind of media file is not supported.")
    source = str(path) if isinstance(path, Path) else path
    try:
        container = av.open(source, mode="r", format=fmt, options=dict(_OPEN_OPTIONS))
    except av.error.MemoryError as error:
        # What FFmpeg returns when a file declares more than `max_streams` streams.
        raise MediaError(TOO_MANY_TRACKS) from error
    except (av.error.FFmpegError, ValueError, OSError) as error:
        raise MediaError(DAMAGED) from error
    try:
        _check_tracks(container)
        yield container
    finally:
        container.close()


def _check_tracks(container: InputContainer) -> None:
    video = [s for s in container.streams.video if not s.disposition & Disposition.attached_pic]
    if len(video) > MAX_VIDEO_TRACKS or len(container.streams.audio) > MAX_AUDIO_TRACKS:
        raise MediaError(TOO_MANY_TRACKS)


@dataclass(frozen=True)
class Probe:
    """What the streams of a file say, before any decoding.

    `width`/`height` are what people see: after rotation and non-square pixels.
    `rotation` is how many degrees clockwise the stored picture is turned for display
    (a phone's portrait video says 90).
    """

    kind: Literal["audio", "video"]
    duration: float | None
    width: int | None = None
    height: int | None = None
    rotation: int = 0
    video_codec: str | None = None
    audio_codec: str | None = None
    frame_rate: float | None = None
    sample_rate: int | None = None
    channels: int | None = None
    has_audio: bool = False
    pixel_format: str | None = None


def video_stream(container: InputContainer) -> VideoStream | None:
    """The first real video stream; cover art (an attached picture) is not video."""
    for stream in container.streams.video:
        if not stream.disposition & Disposition.attached_pic:
            return stream
    return None


def audio_stream(container: InputContainer) -> AudioStream | None:
    return container.streams.audio[0] if container.streams.audio else None


def codec_name(stream: VideoStream | AudioStream) -> str:
    """The codec's own name ("mp3", "vp9"), not the decoder's ("mp3float", "libdav1d")."""
    return stream.codec_context.codec.canonical_name


def probe(path: Path | BinaryIO | RawIOBase, found: Detected, scan: bool = False) -> Probe:
    """Open the file and decide from its streams whether it is audio or video.

    The duration is the header's, or None when it has none (a browser's recording).
    With `scan` (in the worker, never in a request) a missing duration is measured by
    reading every packet of the file, which can be gigabytes.
    """
    with open_container(path, found.fmt) as container:
        video = video_stream(container)
        audio = audio_stream(container)
        if video is None and audio is None:
            raise MediaError("The file has no audio or video in it.")
        # A lenient demuxer (FLAC, MP3) "finds" a stream in any bytes; without its basic
        # parameters it is not one.
        if video is not None and not (video.codec_context.width and video.codec_context.height):
            video = None
        if audio is not None and not (audio.sample_rate and audio.codec_context.channels):
            audio = None
        if video is None and audio is None:
            raise MediaError(DAMAGED)
        heard = _audio_probe(audio, container_duration(container, scan=scan))
        if video is None:
            return heard
        rotation = stream_rotation(video)
        width, height = display_size(video, rotation)
        rate = video.average_rate or video.guessed_rate
        return replace(
            heard,
            kind="video",
            width=width,
            height=height,
            rotation=rotation,
            video_codec=codec_name(video),
            frame_rate=round(float(rate), 3) if rate else None,
            pixel_format=video.codec_context.pix_fmt,
        )


def _audio_probe(audio: AudioStream | None, duration: float | None) -> Probe:
    """The audio half of a probe (all of it for an audio file)."""
    if audio is None:
        return Probe(kind="audio", duration=duration)
    return Probe(
        kind="audio",
        duration=duration,
        audio_codec=codec_name(audio),
        sample_rate=audio.sample_rate or None,
        channels=audio.codec_context.channels or None,
        has_audio=True,
    )


def container_duration(container: InputContainer, scan: bool = True) -> float | None:
    """The duration the header gives, else (with `scan`) the end of the last packet.

    WebM from a browser's MediaRecorder has no duration in its header; demuxing (without
    decoding) to the end gives the real one, but reads the whole file. Leaves the
    container at its end.
    """
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    if not scan:
        return None
    streams = [s for s in (video_stream(container), audio_stream(container)) if s]
    start: float | None = None
    end: float | None = None
    try:
        for packet in container.demux(streams):
            if packet.pts is None or packet.time_base is None:
                continue
            begins = float(packet.pts * packet.time_base)
            ends = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            start = begins if start is None else min(start, begins)
            end = ends if end is None else max(end, ends)
    except (av.error.FFmpegError, ValueError) as error:
        raise MediaError(DAMAGED) from error
    if start is None or end is None or end <= start:
        return None
    return end - start


def check_duration(seconds: float | None, limits: Limits) -> None:
    """Refuse recordings over the limit before spending minutes transcoding them.

    `None` (a header without a duration) passes: the worker measures the real length
    and its decoding loops stop at the limit (`check_decoded`).
    """
    if seconds is None or seconds <= limits.max_duration_seconds:
        return
    limit = human_duration(limits.max_duration_seconds)
    length = human_duration(seconds)
    if length == limit:  # just over: "3 h" against "3 h" would read as a contradiction
        length = human_duration(seconds, precise=True)
    raise MediaError(f"The recording is {length} long; the limit is {limit}.")


def check_decoded(seconds: float, limits: Limits) -> None:
    """Stop a decoding loop that has gone past the limit, whatever the header said."""
    if seconds > limits.max_duration_seconds + DECODE_SLACK_SECONDS:
        limit = human_duration(limits.max_duration_seconds)
        raise MediaError(f"The recording is longer than the limit of {limit}.")


def human_duration(seconds: float, precise: bool = False) -> str:
    """ "4 h 12 min", "12 min 5 s", "0.5 s": as precise as a person needs (or `precise`)."""
    if seconds < 60:
        return f"{round(seconds, 1):g} s"
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(hours, "h"), (minutes, "min"), (rest, "s")]
    if not precise:
        parts = parts[:2] if hours else parts[1:]
    while parts and parts[-1][0] == 0:
        parts.pop()
    while parts and parts[0][0] == 0:
        parts.pop(0)
    return " ".join(f"{value} {unit}" for value, unit in parts)


def stream_rotation(stream: VideoStream) -> int:
    """Degrees clockwise (0, 90, 180, 270) from the stream's display matrix, if any.

    FFmpeg keeps the matrix as nine native-endian 16.16 fixed-point integers; the angle
    is read the way `av_display_rotation_get` does, then turned into a clockwise angle
    rounded to a quarter turn (we do not support skewed or arbitrary angles).
    """
    side_data = getattr(stream.codec_context, "coded_side_data", None) or {}
    matrix = side_data.get("display_matrix")
    if not isinstance(matrix, bytes) or len(matrix) < 36:
        return 0
    m = struct.unpack("=9i", matrix[:36])
    scale0, scale1 = math.hypot(m[0], m[3]), math.hypot(m[1], m[4])
    if not scale0 or not scale1:
        return 0
    counterclockwise = -math.degrees(math.atan2(m[1] / scale1, m[0] / scale0))
    return round(-counterclockwise / 90) * 90 % 360


def display_size(stream: VideoStream, rotation: int) -> tuple[int, int]:
    """Width and height as shown: non-square pixels stretched, quarter turns applied."""
    width, height = stream.codec_context.width, stream.codec_context.height
    ratio = stream.sample_aspect_ratio
    if ratio and ratio.numerator > 0 and ratio.denominator > 0 and ratio != 1:
        width = max(2, round(width * ratio))
    if rotation in (90, 270):
        width, height = height, width
    return width, height


def aac_layout_and_rate(stream: AudioStream) -> tuple[str, int]:
    """Mono stays mono, anything more becomes stereo; rates AAC lacks become 48 kHz."""
    layout = "mono" if stream.codec_context.channels == 1 else "stereo"
    rate = stream.sample_rate if stream.sample_rate in _AAC_RATES else 48000
    return layout, rate


def file_head(path: Path, size: int = 64) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def is_mp4(path: Path, found: Detected) -> bool:
    """An ISO MP4 (not a QuickTime movie): an `ftyp` box whose major brand is not "qt  ".

    Chromium plays MP4 but not QuickTime movies, even with the same codecs inside.
    """
    head = file_head(path, 12)
    if found.mime == "video/quicktime" or head[4:8] != b"ftyp":
        return False
    return head[8:12] != b"qt  "


def is_webm(path: Path, found: Detected) -> bool:
    """A Matroska file whose EBML DocType says "webm" (browsers refuse other Matroska)."""
    if found.mime in ("video/webm", "audio/webm"):
        return True
    head = file_head(path)
    at = head.find(b"\x42\x82")
    return at >= 0 and head[at + 3 : at + 7] == b"webm"


class Heartbeat:
    """Calls `progress` about once a second of wall time, whatever the loop's pace.

    The worker reads these calls as a sign of life, so they must keep coming during long
    transcodes, but a call per frame would be wasted work.
    """

    def __init__(self, progress: Progress, duration: float | None, every: float = 1.0):
        self._progress = progress
        self._duration = duration or 0.0
        self._every = every
        self._next = time.monotonic() + every

    def beat(self, seconds_done: float) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self._every
            self._progress(self.fraction(seconds_done))

    def fraction(self, seconds_done: float) -> float:
        if self._duration <= 0:
            return 0.0
        return min(1.0, max(0.0, seconds_done / self._duration))


class AacTrack:
    """An AAC stream in `out`, fed with decoded frames of any format, rate or layout.

    Frames are resampled to what the encoder takes, in the encoder's frame size, and
    their timestamps are counted in samples: gaps or odd timestamps in the source cannot
    break the muxer. With `keep_time`, the first sample keeps its place on the source's
    clock (to stay in sync with video); otherwise the track starts at zero.
    """

    def __init__(
        self, out: OutputContainer, source: AudioStream, bit_rate: int, keep_time: bool
    ) -> None:
        layout, rate = aac_layout_and_rate(source)
        self.stream = out.add_stream("aac", rate=rate, layout=layout)
        self.stream.bit_rate = bit_rate
        self._out = out
        self._rate = rate
        self._time_base = Fraction(1, rate)
        self._resampler = av.AudioResampler(
            format="fltp", layout=layout, rate=rate, frame_size=self.stream.frame_size or 1024
        )
        self._keep_time = keep_time
        self._next_pts: int | None = None

    def write(self, frame: AudioFrame | None) -> None:
        """Encode one decoded frame; `None` flushes the resampler and the encoder."""
        if self._next_pts is None and frame is not None:
            start = frame.time if self._keep_time and frame.time is not None else 0.0
            self._next_pts = max(0, round(start * self._rate))
        for chunk in self._resampler.resample(frame):
            chunk.pts = self._next_pts
            chunk.time_base = self._time_base
            self._next_pts = (self._next_pts or 0) + chunk.samples
            self._out.mux(self.stream.encode(chunk))
        if frame is None:
            self._out.mux(self.stream.encode(None))
