"""Small media the renderer's tests write for themselves, and ways to look at what it made.

Pictures are solid colours (a clip red for a second, then blue) so a decoded frame's mean
colour says which part of which source it came from; sounds are sine tones of a known
frequency and amplitude so a decoded block's peak says how loud it was mixed. Everything
is generated with PyAV, Pillow and numpy; nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream
from PIL import Image

from ensemble.timelines.plan import Output, Plan, Shot, Sound, VideoClip

RGB = tuple[int, int, int]
RED: RGB = (220, 30, 30)
GREEN: RGB = (30, 200, 60)
BLUE: RGB = (30, 40, 220)
YELLOW: RGB = (230, 210, 40)
BLACK: RGB = (0, 0, 0)
SMALL = Output(width=160, height=90, fps=10)

# Container → (muxer, the demuxer name `records.media.sniff` gives such a file).
VIDEO_CONTAINERS = {"mp4": ("mp4", "mov"), "mkv": ("matroska", "matroska")}
AUDIO_CONTAINERS = {
    "wav": ("wav", "pcm_s16le", "wav"),
    "flac": ("flac", "flac", "flac"),
    "m4a": ("mp4", "aac", "mov"),
}


def write_clip(
    path: Path,
    colours: Sequence[tuple[float, RGB]],
    *,
    size: tuple[int, int] = (160, 90),
    fps: int = 10,
    container: str = "mp4",
    rotation: int = 0,
    black_left: float = 0.0,
    sound: bool = False,
    bt709: bool = False,
) -> Path:
    """A video of solid colours: `colours` is (seconds, colour) in order.

    `rotation` (clockwise degrees, as a phone writes it) goes into the display matrix.
    `black_left` paints that fraction of every picture black from the left, so a test can
    tell which way the renderer turned it, or which part it showed. `sound` adds a quiet
    440 Hz AAC track. `bt709` converts and tags the pictures as BT.709, as HD cameras do
    (untagged small videos are BT.601): decoded at the output's size, they need no
    conversion at all.
    """
    muxer, _ = VIDEO_CONTAINERS[container]
    times = []
    for seconds, colour in colours:
        times += [colour] * round(seconds * fps)
    with av.open(str(path), "w", format=muxer) as out:
        stream = cast(VideoStream, out.add_stream("libx264", rate=fps))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        if rotation:
            stream.set_display_rotation(-rotation)  # PyAV counts counterclockwise
        if bt709:
            context = stream.codec_context
            context.colorspace = context.color_primaries = context.color_trc = 1
            context.color_range = 1
        tone = _add_audio(out, "aac", 48000, "stereo") if sound else None
        for index, colour in enumerate(times):
            picture = np.empty((size[1], size[0], 3), np.uint8)
            picture[:] = colour
            picture[:, : round(size[0] * black_left)] = 0
            matrix = "ITU709" if bt709 else None
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(
                format="yuv420p", dst_colorspace=matrix
            )
            frame.pts, frame.time_base = index, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        if tone is not None:
            _encode_tone(out, tone, len(times) / fps, 440, 0.1)
    return path


def write_variable_rate_clip(
    path: Path, frames: Sequence[tuple[float, RGB]], seconds: float, size=(160, 90)
) -> Path:
    """A Matroska video whose frames come at irregular times: (time, colour), the last
    frame lasting until `seconds`, as a phone's or a screen recorder's do."""
    with av.open(str(path), "w", format="matroska") as out:
        stream = cast(VideoStream, out.add_stream("libx264", rate=30))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        # The encoder stamps every packet with its nominal frame duration; the muxer must
        # get the real ones (the last one says how long the file lasts).
        durations: dict[int, int] = {}

        def mux(packets: list[av.Packet]) -> None:
            for packet in packets:
                if packet.pts is not None:
                    packet.duration = durations[packet.pts]
                out.mux(packet)

        for (time, colour), following in zip(frames, [*frames[1:], (seconds, None)], strict=True):
            picture = np.empty((size[1], size[0], 3), np.uint8)
            picture[:] = colour
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
            frame.pts, frame.time_base = round(time * 1000), Fraction(1, 1000)
            durations[frame.pts] = round((following[0] - time) * 1000)
            mux(stream.encode(frame))
        mux(stream.encode(None))
    return path


def write_tone(
    path: Path,
    *,
    seconds: float = 1.0,
    frequency: float = 440.0,
    amplitude: float = 0.5,
    rate: int = 48000,
    layout: str = "stereo",
    container: str = "wav",
    silence: float = 0.0,
) -> Path:
    """A sine tone at `amplitude` (peak, 1.0 = full scale) in every channel, after
    `silence` seconds of silence (the file lasts `silence + seconds`)."""
    muxer, codec, _ = AUDIO_CONTAINERS[container]
    with av.open(str(path), "w", format=muxer) as out:
        stream = _add_audio(out, codec, rate, layout)
        _encode_tone(out, stream, seconds, frequency, amplitude, silence)
    return path


def _add_audio(
    out: av.container.OutputContainer, codec: str, rate: int, layout: str
) -> AudioStream:
    # Streams must all be added before the first packet is written.
    return cast(AudioStream, out.add_stream(codec, rate=rate, layout=layout))


def _encode_tone(
    out: av.container.OutputContainer,
    stream: AudioStream,
    seconds: float,
    frequency: float,
    amplitude: float,
    silence: float = 0.0,
) -> None:
    rate, layout = stream.rate, stream.layout.name
    channels = stream.codec_context.channels
    quiet = round(silence * rate)
    total = quiet + round(seconds * rate)
    done = 0
    while done < total:
        count = min(1024, total - done)
        moments = np.arange(done, done + count) / rate
        wave = (amplitude * np.sin(2 * np.pi * frequency * moments)).astype(np.float32)
        wave[: max(0, quiet - done)] = 0
        frame = av.AudioFrame.from_ndarray(
            np.tile(wave, (channels, 1)), format="fltp", layout=layout
        )
        frame.sample_rate, frame.pts, frame.time_base = rate, done, Fraction(1, rate)
        out.mux(stream.encode(frame))
        done += count
    out.mux(stream.encode(None))


def write_picture(
    path: Path, size: tuple[int, int], colour: RGB, fmt: str = "PNG", border: RGB | None = None
) -> Path:
    """A picture of one colour, with a 2-pixel `border` of another if given."""
    if border is None:
        Image.new("RGB", size, colour).save(path, fmt)
        return path
    picture = Image.new("RGB", size, border)
    picture.paste(colour, (2, 2, size[0] - 2, size[1] - 2))
    picture.save(path, fmt)
    return path


def fmt_of(path: Path) -> str:
    """The demuxer name the sniffer gives the files written here."""
    suffix = path.suffix.lstrip(".")
    if suffix in VIDEO_CONTAINERS:
        return VIDEO_CONTAINERS[suffix][1]
    return AUDIO_CONTAINERS[suffix][2]


def clip(path: Path, start: float, end: float, name: str = "video 1: “Test”", **kw) -> VideoClip:
    return VideoClip(name=name, path=path, fmt=fmt_of(path), start=start, end=end, **kw)


def sound(path: Path, start: float, end: float, at: float = 0.0, **kw) -> Sound:
    kw.setdefault("name", "sound 1: “Tone”")
    return Sound(path=path, fmt=fmt_of(path), start=start, end=end, at=at, **kw)


def film(*shots: Shot, tracks: Sequence[Sequence[Sound]] = (), output: Output = SMALL) -> Plan:
    return Plan(output=output, shots=shots, tracks=tuple(tuple(t) for t in tracks))


# --- looking at the output ---------------------------------------------------------------


def frames_rgb(path: Path) -> list[tuple[float, np.ndarray]]:
    """Every decoded frame of the first video stream: (time, RGB array)."""
    with av.open(str(path)) as container:
        return [
            (float(frame.time or 0.0), frame.to_ndarray(format="rgb24"))
            for frame in container.decode(video=0)
        ]


def colour_at(frames: list[tuple[float, np.ndarray]], seconds: float, box=None) -> RGB:
    """The mean colour of the frame shown at `seconds` (of `box` = (x0, y0, x1, y1))."""
    shown = [picture for time, picture in frames if time <= seconds + 1e-6][-1]
    if box is not None:
        shown = shown[box[1] : box[3], box[0] : box[2]]
    mean = shown.reshape(-1, 3).mean(axis=0)
    return (round(mean[0]), round(mean[1]), round(mean[2]))


def near(colour: Sequence[int], expected: Sequence[int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def samples(path: Path) -> np.ndarray:
    """The first audio stream decoded to 48 kHz stereo float: an array (2, n)."""
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
    blocks = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            blocks += [f.to_ndarray() for f in resampler.resample(frame)]
        blocks += [f.to_ndarray() for f in resampler.resample(None)]
    return np.concatenate(blocks, axis=1)


def peak(block: np.ndarray) -> float:
    return float(np.abs(block).max()) if block.size else 0.0


def top_level_boxes(path: Path) -> list[str]:
    """The names of an MP4's top-level boxes, in file order ("ftyp", "moov", "mdat")."""
    names = []
    data = path.read_bytes()
    at = 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        names.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return names
