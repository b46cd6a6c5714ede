"""What the render is encoded as (per quality) and the MP4 it is written into.

Final: the plan's size and frame rate, x264 `veryfast` at CRF 21, AAC 160 kb/s. A finished
production is watched full screen and downloaded to be shown again, so it is encoded one
step better than the records' previews (CRF 23); `veryfast` keeps a 3-minute 720p edit
near real time on two cores, while slower presets buy a few percent of size for twice the
time. Draft: 360 px tall, at most 25 fps, `ultrafast` at CRF 32, AAC 96 kb/s: enough to
check cuts, timing and sound, in a fraction of the final's time.

Every output is a fast-start MP4 (the index before the data, so playback starts before
the download ends): H.264 in yuv420p plus stereo 48 kHz AAC, or AAC alone for an audio
production. A film without sound still gets a silent AAC track, because some players
and editors treat a video without audio as broken or refuse to join it with others.
Video frames and audio blocks are handed to the muxer in time order as they are made, so
it interleaves them without holding more than a moment of either.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal, cast

import av
import av.error
import numpy as np
from av.audio.stream import AudioStream
from av.video.frame import PictureType, VideoFrame
from av.video.stream import VideoStream

from ..plan import Output

Quality = Literal["draft", "final"]
SAMPLE_RATE = 48_000
DRAFT_HEIGHT = 360
DRAFT_MAX_FPS = 25
_X264 = {
    "final": {"preset": "veryfast", "crf": "21"},
    "draft": {"preset": "ultrafast", "crf": "32"},
}
_AAC_BIT_RATE = {"final": 160_000, "draft": 96_000}
# A draft spends most of its time decoding sources (often 1080p) that it shows at 360p.
# Skipping the decoders' deblocking filter saves about a sixth of that: its blocking is
# gone once the picture is shrunk threefold. A final decodes every picture exactly.
_DECODER_OPTIONS = {"final": {}, "draft": {"skip_loop_filter": "all", "flags2": "+fast"}}
# FFmpeg's numbers for BT.709 (primaries, transfer, matrix) and limited ("MPEG") range:
# every picture we convert from RGB uses that matrix, and the stream says so.
BT709 = 1
LIMITED_RANGE = 1


@dataclass(frozen=True)
class Encoding:
    """The output's picture size, frame rate, encoder settings and how sources are decoded.

    `scale` is how large the output is against the plan's own size (1 for final, 1/3 for
    a 1080p draft): pictures shown at their own pixel size ("crop") shrink by it, so a
    draft frames them as the final will.
    """

    width: int
    height: int
    fps: int
    x264: tuple[tuple[str, str], ...]
    audio_bit_rate: int
    scale: float
    decoder_options: tuple[tuple[str, str], ...] = ()


def encoding_for(output: Output, quality: Quality) -> Encoding:
    if quality == "final":
        width, height, fps = output.width, output.height, output.fps
    else:
        height = min(output.height, DRAFT_HEIGHT)
        width = max(2, round(output.width * height / output.height / 2) * 2)
        fps = min(output.fps, DRAFT_MAX_FPS)
    return Encoding(
        width=width,
        height=height,
        fps=fps,
        x264=tuple(_X264[quality].items()),
        audio_bit_rate=_AAC_BIT_RATE[quality],
        scale=height / output.height,
        decoder_options=tuple(_DECODER_OPTIONS[quality].items()),
    )


class Muxer:
    """The MP4 being written; `video=False` makes an audio-only (.m4a) file.

    Frames and sound blocks get their timestamps here, counted in frames and samples, so
    nothing upstream can hand the muxer a gap or a repeated time.
    """

    def __init__(self, out: Path, encoding: Encoding, *, video: bool) -> None:
        self.frames = 0
        self.samples = 0
        self._frame_time = Fraction(1, encoding.fps)
        self._sample_time = Fraction(1, SAMPLE_RATE)
        self._container = av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"})
        self._video: VideoStream | None = None
        if video:
            stream = self._container.add_stream(
                "libx264", rate=encoding.fps, options=dict(encoding.x264)
            )
            stream.width, stream.height = encoding.width, encoding.height
            stream.pix_fmt = "yuv420p"
            context = stream.codec_context
            context.time_base = self._frame_time
            context.color_primaries = context.color_trc = context.colorspace = BT709
            context.color_range = LIMITED_RANGE
            self._video = stream
        self._audio = cast(
            AudioStream, self._container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        )
        self._audio.bit_rate = encoding.audio_bit_rate

    def write_frame(self, frame: VideoFrame) -> None:
        """Encode the next frame. The same frame object may be sent again (a still)."""
        assert self._video is not None, "an audio-only render has no picture"
        frame.pts, frame.time_base = self.frames, self._frame_time
        # x264 would otherwise keep a source's keyframes where the source had them.
        frame.pict_type = PictureType.NONE
        self._container.mux(self._video.encode(frame))
        self.frames += 1

    def write_sound(self, block: np.ndarray) -> None:
        """Encode the next samples: float32, shape (2, n), within [-1, 1]."""
        frame = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts, frame.time_base = self.samples, self._sample_time
        self._container.mux(self._audio.encode(frame))
        self.samples += block.shape[1]

    def finish(self) -> None:
        """Flush both encoders and write the index (moved to the front: fast start)."""
        if self._video is not None:
            self._container.mux(self._video.encode(None))
        self._container.mux(self._audio.encode(None))
        self._container.close()

    def abandon(self) -> None:
        """Close after a failure; the caller deletes the partial file."""
        # Closing writes a trailer for packets already muxed; if that fails too, the
        # first failure is the one to report and the file is about to be deleted.
        with contextlib.suppress(av.error.FFmpegError, OSError):
            self._container.close()
