"""Video clips: the frames of a file's `start`–`end`, at the output's size and frame rate.

Steps:
1. Open the file with the demuxer the sniffer named (`avfile.open_container`, the only
   way we open uploads) and take its first real video stream, its rotation (a phone's
   display matrix) and its pixel aspect.
2. Seek to the keyframe at or before `start`, on the stream's own clock (times in a plan
   count from the stream's first frame, as a player shows them).
3. Decode forward, one frame ahead of the one shown. Output frame k (at t = k / fps)
   shows the newest decoded frame whose timestamp is at most `start + t`: a variable
   frame rate, or a rate other than the output's, needs nothing more (frames are held
   or skipped by their times).
4. Scale each frame that is shown once, with FFmpeg's swscale (`reformat`), to its
   placement (`frames.place`). Upright and covering the frame exactly (the usual case),
   the scaled frame is the output frame; otherwise it is turned upright and copied onto
   black (`frames.compose`). A frame held for several output frames is scaled once.
5. If decoding ends more than `SLACK` before `end`, the clip asks for more than the file
   has: a RenderError naming the clip and both times.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from ensemble.records.media.avfile import open_container, stream_rotation, video_stream

from ..plan import VideoClip
from .encode import Encoding
from .errors import RenderError, reading, seconds
from .frames import Placement, compose, place, scale

# How far short of `end` a file may stop: container durations and the last frame's
# duration are rounded by muxers, and a tenth of a second at the end of a clip is a frame
# or two held a little longer, not a missing scene.
SLACK = 0.1
# Frame times are exact fractions, output times k / fps are floats: a frame due exactly
# at an output time must not lose to rounding.
_EPSILON = 1e-4
_QUARTER_TURNS = (90, 270)


def clip_frames(clip: VideoClip, count: int, encoding: Encoding) -> Iterator[VideoFrame]:
    """`count` output frames of `clip` (the file is open only while they are made)."""
    with reading(clip.name), open_container(clip.path, clip.fmt) as container:
        stream = video_stream(container)
        if stream is None or not (stream.codec_context.width and stream.codec_context.height):
            raise RenderError(f"{clip.name}: the file has no video in it.")
        stream.thread_type = "AUTO"  # frame threads: decoding keeps up with x264
        if encoding.decoder_options:
            stream.codec_context.options = dict(encoding.decoder_options)
        yield from _ClipReader(clip, container, stream, encoding).frames(count)


@dataclass(frozen=True)
class _Decoded:
    """A decoded frame and its source times, read once: the frame itself may go to the
    encoder as it is (already the output's size and format), which restamps it."""

    time: float
    end: float
    frame: VideoFrame


class _ClipReader:
    def __init__(
        self, clip: VideoClip, container: InputContainer, stream: VideoStream, encoding: Encoding
    ) -> None:
        self.clip = clip
        self.container = container
        self.stream = stream
        self.encoding = encoding
        self.rotation = stream_rotation(stream)
        time_base = stream.time_base
        self.origin = (
            float(stream.start_time * time_base)
            if stream.start_time is not None and time_base
            else 0.0
        )
        self.begin = self.origin + clip.start
        rate = stream.average_rate or stream.guessed_rate
        self.nominal_duration = 1 / float(rate) if rate else 1 / 25
        self._placements: dict[tuple[int, int], Placement] = {}

    def frames(self, count: int) -> Iterator[VideoFrame]:
        decoded = self._decoded()
        shown: _Decoded | None = None
        upcoming = next(decoded, None)
        ended_checked = False
        output: VideoFrame | None = None
        converted: _Decoded | None = None
        for index in range(count):
            due = self.begin + index / self.encoding.fps + _EPSILON
            while upcoming is not None and upcoming.time <= due:
                shown, upcoming = upcoming, next(decoded, None)
            if upcoming is None and not ended_checked:
                self._check_reaches_end(shown)
                ended_checked = True
            # A first frame stamped a little after `start` stands in for the moments before.
            picture = shown if shown is not None else upcoming
            assert picture is not None  # _check_reaches_end raised otherwise
            if picture is not converted:
                output, converted = self._output(picture.frame), picture
            assert output is not None
            yield output

    def _decoded(self) -> Iterator[_Decoded]:
        time_base = self.stream.time_base
        if self.clip.start > 0 and time_base:
            self.container.seek(int(self.begin / time_base), stream=self.stream, backward=True)
        for frame in self.container.decode(self.stream):
            if frame.time is None:
                continue  # a frame without a time cannot be placed
            duration = (
                float(frame.duration * frame.time_base)
                if frame.duration and frame.time_base
                else self.nominal_duration
            )
            yield _Decoded(frame.time, frame.time + duration, frame)

    def _check_reaches_end(self, last: _Decoded | None) -> None:
        """Decoding has ended: refuse a clip whose `end` lies past the last frame."""
        if last is None:
            raise RenderError(f"{self.clip.name}: no picture could be decoded from the file.")
        lasts = last.end - self.origin
        if lasts < self.clip.end - SLACK:
            raise RenderError(
                f"{self.clip.name}: the clip ends at {seconds(self.clip.end)}, "
                f"but the video lasts {seconds(lasts)}."
            )

    def _output(self, frame: VideoFrame) -> VideoFrame:
        size = (self.encoding.width, self.encoding.height)
        placement = self._placement(frame)
        stored = (placement.width, placement.height)
        if self.rotation in _QUARTER_TURNS:
            stored = (placement.height, placement.width)
        scaled = scale(frame, *stored)
        if self.rotation == 0 and placement.covers_exactly(*size):
            return scaled
        return compose(scaled, placement, size, self.rotation)

    def _placement(self, frame: VideoFrame) -> Placement:
        """Per stored frame size (a stream may change size midway), computed once."""
        key = (frame.width, frame.height)
        if key not in self._placements:
            width, height = frame.width, frame.height
            aspect = self.stream.sample_aspect_ratio
            if aspect and aspect.numerator > 0 and aspect.denominator > 0 and aspect != 1:
                width = max(2, round(width * aspect))  # non-square pixels, shown stretched
            if self.rotation in _QUARTER_TURNS:
                width, height = height, width
            self._placements[key] = place(
                (width, height),
                self.clip.fit,
                (self.encoding.width, self.encoding.height),
                self.encoding.scale,
            )
        return self._placements[key]
