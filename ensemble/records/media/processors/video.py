"""Video: a poster frame, thumbnails from it, and an H.264/AAC preview when needed.

Plays as is (no preview), following what Chromium plays:
- an MP4 (an `ftyp` box, major brand not QuickTime's "qt  ") with H.264 in 8-bit 4:2:0
  and AAC or MP3 audio, or none. A display matrix is fine: browsers rotate MP4 themselves.
- a WebM (Matroska with DocType "webm") with VP8, VP9 or AV1 and Opus or Vorbis, or none.
Everything else (QuickTime .mov, MKV, HEVC, MPEG-4 Part 2, 10-bit, Theora) gets a preview:
H.264 (veryfast, CRF 23, yuv420p) and AAC 128k in a fast-start MP4, at most 720p (the short
side at most 720, the long side at most 1280, never upscaled), rotation applied to the
pixels. Video without audio gets a preview without audio. Transcoding stops once it
passes the duration limit, whatever the header claimed.

Every original also gets a `download`: its streams copied without metadata (a phone's
location), display matrix kept (`media/remux.py`), served to others instead of it.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import av.error
from av.container import InputContainer
from av.filter import Graph
from av.rational import AVRational
from av.video.frame import PictureType, VideoFrame
from av.video.stream import VideoStream
from PIL import Image, features

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
    video_stream,
)
from ..base import Detected, Limits, MediaError, Progress, RenditionFile, Result
from ..remux import write_download

PREVIEW_BOX = (1280, 720)  # landscape; portrait videos fit (720, 1280)
SMALL_BOX = (480, 480)
LARGE_BOX = (1600, 1600)
AUDIO_BIT_RATE = 128_000
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}
DAMAGED = "The video is damaged and could not be decoded."
_PIL_TURN = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}  # Pillow turns counterclockwise


def process(
    src: Path, found: Detected, out_dir: Path, limits: Limits, progress: Progress
) -> Result:
    info = probe(src, found, scan=True)
    if info.kind != "video" or not info.width or not info.height:
        raise MediaError("The file has no video in it.")
    check_duration(info.duration, limits)
    plays = plays_in_browser(src, found, info)
    preview_size = fit((info.width, info.height), preview_box(info.width, info.height))
    picture = poster_image(src, found.fmt, info)
    renditions = [
        _save_picture(picture, preview_size, out_dir / "poster", "poster"),
        _save_picture(picture, SMALL_BOX, out_dir / "thumb-small", "thumb_small"),
        _save_picture(picture, LARGE_BOX, out_dir / "thumb-large", "thumb_large"),
    ]
    if not plays:
        even = (preview_size[0] // 2 * 2, preview_size[1] // 2 * 2)
        preview = out_dir / "preview.mp4"
        transcoding = Heartbeat(lambda done: progress(0.9 * done), info.duration)
        transcode(src, found.fmt, info, preview, even, transcoding, limits)
        renditions.append(RenditionFile("preview", preview, "video/mp4", *even))
    copying = Heartbeat(lambda done: progress(0.9 + 0.1 * done), info.duration)
    download = write_download(src, found, out_dir, limits, copying)
    download.width, download.height = info.width, info.height
    renditions.append(download)
    progress(1.0)
    metadata = {
        "width": info.width,
        "height": info.height,
        "duration": round(info.duration, 3) if info.duration else None,
        "video_codec": info.video_codec,
        "audio_codec": info.audio_codec,
        "frame_rate": info.frame_rate,
        "rotation": info.rotation,
        "plays_in_browser": plays,
    }
    return Result(kind="video", metadata=metadata, renditions=renditions)


def plays_in_browser(src: Path, found: Detected, info: Probe) -> bool:
    """Whether Chromium plays the original as is (rules in the module docstring)."""
    if found.fmt == "mov":
        return (
            info.video_codec == "h264"
            and info.pixel_format in ("yuv420p", "yuvj420p")
            and info.audio_codec in (None, "aac", "mp3")
            and is_mp4(src, found)
        )
    if found.fmt == "matroska":
        return (
            info.video_codec in ("vp8", "vp9", "av1")
            and info.audio_codec in (None, "opus", "vorbis")
            and is_webm(src, found)
        )
    return False


def preview_box(width: int, height: int) -> tuple[int, int]:
    return PREVIEW_BOX if width >= height else (PREVIEW_BOX[1], PREVIEW_BOX[0])


def fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest size with the same aspect inside `box`, never larger than `size`."""
    width, height = size
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(2, round(width * scale)), max(2, round(height * scale))


def poster_image(src: Path, fmt: str, info: Probe) -> Image.Image:
    """The frame at min(1 s, 10 % of the duration), upright and with square pixels.

    Seeks to the keyframe before the target, then decodes forward to it; a file that
    cannot seek is decoded from the start instead.
    """
    target = min(1.0, 0.1 * info.duration) if info.duration else 0.0
    with open_container(src, fmt) as container:
        stream = video_stream(container)
        if stream is None:
            raise MediaError("The file has no video in it.")
        start = (
            float(stream.start_time * stream.time_base)
            if stream.start_time and stream.time_base
            else 0.0
        )
        frame = _frame_at(container, stream, start + target)
        picture = frame.to_image()
    if info.rotation in _PIL_TURN:
        picture = picture.transpose(_PIL_TURN[info.rotation])
    if picture.size != (info.width, info.height) and info.width and info.height:
        picture = picture.resize((info.width, info.height), Image.Resampling.LANCZOS)
    return picture


def _frame_at(container: InputContainer, stream: VideoStream, seconds: float) -> VideoFrame:
    last: VideoFrame | None = None
    try:
        if seconds > 0 and stream.time_base:
            container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            last = frame
            if frame.time is not None and frame.time >= seconds - 0.001:
                break
    except (av.error.FFmpegError, ValueError) as error:
        if last is None:
            raise MediaError(DAMAGED) from error
    if last is None:
        raise MediaError(DAMAGED)
    return last


def _save_picture(
    picture: Image.Image, box: tuple[int, int], stem: Path, role: str
) -> RenditionFile:
    """WebP where Pillow has it (smaller at the same quality), JPEG otherwise."""
    size = fit(picture.size, box)
    image = picture if size == picture.size else picture.resize(size, Image.Resampling.LANCZOS)
    if features.check("webp"):
        path, content_type = stem.with_suffix(".webp"), "image/webp"
        image.save(path, "WEBP", quality=82, method=4)
    else:
        path, content_type = stem.with_suffix(".jpg"), "image/jpeg"
        image.save(path, "JPEG", quality=85, optimize=True)
    return RenditionFile(role, path, content_type, *size)


def transcode(
    src: Path,
    fmt: str,
    info: Probe,
    out_path: Path,
    size: tuple[int, int],
    heartbeat: Heartbeat,
    limits: Limits,
) -> None:
    """H.264/AAC MP4 at `size` (display orientation). Any decoding error: MediaError,
    and so is decoding past the duration limit (audio or video, from their first frame).

    Steps: decode each frame (threaded), scale it with swscale to the stored orientation
    of `size`, turn it with a transpose filter if the source says so, clear its picture
    type (x264 would otherwise copy the source's keyframes) and encode with its own
    timestamp, so variable frame rates survive. Audio goes through `AacTrack`.
    """
    with open_container(src, fmt) as container:
        stream = video_stream(container)
        if stream is None:
            raise MediaError("The file has no video in it.")
        sound = audio_stream(container)
        stream.thread_type = "AUTO"
        stored = size if info.rotation in (0, 180) else (size[1], size[0])
        out = av.open(str(out_path), "w", format="mp4", options={"movflags": "+faststart"})
        try:
            encoder = _add_video(out, stream, size, info.frame_rate)
            track = AacTrack(out, sound, AUDIO_BIT_RATE, keep_time=True) if sound else None
            turn = _turn_graph(stored, stream.time_base, info.rotation)
            streams = [stream, sound] if sound is not None else [stream]
            last_pts = -(2**62)
            clock = _Clock(limits)
            for packet in container.demux(streams):
                if packet.stream is sound and track is not None:
                    for audio_frame in sound.decode(packet):
                        clock.check(audio_frame.time)
                        track.write(audio_frame)
                    continue
                for frame in stream.decode(packet):
                    if frame.pts is None or frame.pts <= last_pts:
                        continue  # x264 refuses repeated or missing timestamps
                    last_pts = frame.pts
                    clock.check(frame.time)
                    picture = frame.reformat(stored[0], stored[1], "yuv420p")
                    if turn is not None:
                        turn.push(picture)
                        picture = turn.vpull()
                    picture.pict_type = PictureType.NONE
                    out.mux(encoder.encode(picture))
                    heartbeat.beat(float(frame.time or 0.0))
            out.mux(encoder.encode(None))
            if track is not None:
                track.write(None)
        except (av.error.FFmpegError, ValueError) as error:
            raise MediaError(DAMAGED) from error
        finally:
            out.close()


class _Clock:
    """Time decoded since the first frame of any stream, checked against the limit."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._start: float | None = None

    def check(self, seconds: float | None) -> None:
        if seconds is None:
            return
        self._start = seconds if self._start is None else min(self._start, seconds)
        check_decoded(seconds - self._start, self._limits)


def _add_video(
    out: av.container.OutputContainer,
    source: VideoStream,
    size: tuple[int, int],
    frame_rate: float | None,
) -> VideoStream:
    """libx264 on the source's clock; the nominal rate only guides rate control."""
    rate = (
        Fraction(frame_rate).limit_denominator(1001)
        if frame_rate and frame_rate < 240
        else Fraction(30)
    )
    encoder = out.add_stream("libx264", rate=rate, options=dict(X264_OPTIONS))
    encoder.width, encoder.height = size
    encoder.pix_fmt = "yuv420p"
    if source.time_base:
        encoder.codec_context.time_base = source.time_base
    return encoder


def _turn_graph(size: tuple[int, int], time_base: AVRational | None, rotation: int) -> Graph | None:
    """A filter graph turning frames of `size` by `rotation` degrees clockwise, if any."""
    if rotation not in (90, 180, 270):
        return None
    graph = Graph()
    node = graph.add_buffer(
        width=size[0], height=size[1], format="yuv420p", time_base=time_base or Fraction(1, 90000)
    )
    if rotation == 180:
        steps = [graph.add("hflip"), graph.add("vflip")]
    else:
        steps = [graph.add("transpose", "clock" if rotation == 90 else "cclock")]
    for step in [*steps, graph.add("buffersink")]:
        node.link_to(step)
        node = step
    graph.configure()
    return graph
