"""The media workloads of bench/records.py: the samples, the bare references, one timed run.

Each timed run is a fresh process (`python bench/media.py WORK WHO SRC OUT_DIR`) so that
its peak memory is its own. The child imports what it needs, notes its resident memory,
times the one call, and prints a JSON line: wall seconds, CPU seconds (its threads
included), resident memory before the call and at its peak (VmHWM).

WHO is "ours" (the processor Ensemble runs in its worker) or "reference" (the obvious
few lines of Pillow or PyAV a developer would write for the same output). The references
use the same settings as the processors (sizes, WebP quality, x264 preset and CRF, AAC
bit rate, fast start), so the ratio shows what our code costs over the libraries' floor.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

# Same settings as ensemble/records/media/processors/{image,video}.py.
THUMBS = {"thumb_large": 1600, "thumb_small": 480}
WEBP_QUALITY = 82
PREVIEW_SIZE = (1280, 720)
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}
AUDIO_BIT_RATE = 128_000
AUDIO_RATE = 48_000

JPEG_SIZE = (6000, 4000)  # 24 megapixels, a mid-range camera's full size
CLIP_SIZE = (1920, 1080)
CLIP_FPS = 30


# --- samples -------------------------------------------------------------------------


def write_photo(path: Path, size: tuple[int, int] = JPEG_SIZE) -> Path:
    """A camera-like JPEG: smooth areas, hard edges, sensor noise, EXIF with a location.

    Noise on every pixel keeps the file the size a camera writes (≈ 1 byte per pixel at
    quality 90) and makes decoding do real work; EXIF with GPS makes our processor write
    its stripped `download` copy, as it would for a phone photo.
    """
    from PIL import Image, ImageDraw

    from ensemble.records.tests.samples.images import XMP, private_exif

    width, height = size
    small = (width // 8, height // 8)
    base = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize(small),
            Image.radial_gradient("L").resize(small),
            Image.linear_gradient("L").rotate(90).resize(small),
        ),
    )
    draw = ImageDraw.Draw(base)
    for index in range(60):  # shapes with hard edges, like buildings and leaves
        x, y = (index * 97) % small[0], (index * 53) % small[1]
        colour = ((index * 40) % 256, (index * 85) % 256, (index * 130) % 256)
        draw.ellipse((x, y, x + 20 + index * 3, y + 15 + index * 2), fill=colour)
        draw.line((0, y, small[0], (y * 7) % small[1]), fill=colour, width=2)
    picture = base.resize(size, Image.Resampling.BICUBIC)
    noise = Image.merge("RGB", [Image.effect_noise(size, 40) for _ in range(3)])
    picture = Image.blend(picture, noise, 0.3)
    picture.save(path, "JPEG", quality=90, exif=private_exif(orientation=1), xmp=XMP)
    return path


def write_clip(path: Path, seconds: float) -> Path:
    """1080p30 MPEG-4 Part 2 video with Opus audio in Matroska: needs an H.264 preview."""
    from ensemble.records.tests.samples.av import write_video

    return write_video(
        path, seconds=seconds, size=CLIP_SIZE, fps=CLIP_FPS, codec="mpeg4", container="mkv"
    )


# --- the references ------------------------------------------------------------------


def reference_thumbnail(src: Path, out_dir: Path) -> None:
    """Open, decode at reduced scale, shrink to 1600 and save, shrink to 480 and save."""
    from PIL import Image

    with Image.open(src) as image:
        image.draft("RGB", (THUMBS["thumb_large"],) * 2)
        image.load()
        for role, box in THUMBS.items():
            image.thumbnail((box, box), Image.Resampling.LANCZOS)
            image.save(out_dir / f"{role}.webp", "WEBP", quality=WEBP_QUALITY, method=4)


def reference_transcode(src: Path, out_dir: Path) -> None:
    """Decode, scale to 720p, encode H.264 + AAC into a fast-start MP4: nothing else."""
    import av
    from av.video.frame import PictureType

    with av.open(str(src)) as source:
        video, sound = source.streams.video[0], source.streams.audio[0]
        video.thread_type = "AUTO"
        out = av.open(
            str(out_dir / "preview.mp4"), "w", format="mp4", options={"movflags": "+faststart"}
        )
        with out:
            encoder = out.add_stream("libx264", rate=CLIP_FPS, options=dict(X264_OPTIONS))
            encoder.width, encoder.height = PREVIEW_SIZE
            encoder.pix_fmt = "yuv420p"
            encoder.codec_context.time_base = video.time_base
            aac = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
            aac.bit_rate = AUDIO_BIT_RATE
            resampler = av.AudioResampler(
                format="fltp", layout="stereo", rate=AUDIO_RATE, frame_size=aac.frame_size or 1024
            )
            samples = 0

            def encode_audio(frame: av.AudioFrame | None) -> None:
                nonlocal samples
                for chunk in resampler.resample(frame):
                    chunk.pts, chunk.time_base = samples, Fraction(1, AUDIO_RATE)
                    samples += chunk.samples
                    out.mux(aac.encode(chunk))

            for packet in source.demux(video, sound):
                if packet.stream is sound:
                    for frame in packet.decode():
                        encode_audio(frame)
                    continue
                for frame in packet.decode():
                    picture = frame.reformat(*PREVIEW_SIZE, "yuv420p")
                    # As our processor does: let x264 place its own keyframes.
                    picture.pict_type = PictureType.NONE
                    out.mux(encoder.encode(picture))
            out.mux(encoder.encode(None))
            encode_audio(None)
            out.mux(aac.encode(None))


# --- ours ----------------------------------------------------------------------------


def ours(kind: str) -> Callable[[Path, Path], None]:
    """The processor as the worker calls it (sniffed first, default limits)."""
    from importlib import import_module

    from ensemble.records.media import sniff
    from ensemble.records.media.base import Limits

    processor = import_module(f"ensemble.records.media.processors.{kind}")

    def run(src: Path, out_dir: Path) -> None:
        processor.process(src, sniff.detect(src), out_dir, Limits(), lambda fraction: None)

    return run


def prepare(work: str, who: str) -> Callable[[Path, Path], None]:
    """Import everything before the clock starts, for both sides alike."""
    if who == "ours":
        return ours("image" if work == "thumbnail" else "video")
    if work == "thumbnail":
        import PIL.Image  # noqa: F401 - imported before timing, as "ours" is

        return reference_thumbnail
    import av  # noqa: F401

    return reference_transcode


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM peak).

    Not ru_maxrss: Linux carries that over from the parent across fork and exec, so a
    child of a process that once used 300 MB reports at least 300 MB.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed_run(work: str, who: str, src: Path, out_dir: Path) -> dict[str, float]:
    call = prepare(work, who)
    before = status_mb("VmRSS")
    cpu_start = time.process_time()
    start = time.perf_counter()
    call(src, out_dir)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak = status_mb("VmHWM")
    return {"seconds": seconds, "cpu": cpu, "rss_before_mb": before, "peak_rss_mb": peak}


def main(argv: list[str]) -> int:
    if (
        len(argv) != 4
        or argv[0] not in ("thumbnail", "transcode")
        or argv[1]
        not in (
            "ours",
            "reference",
        )
    ):
        print("usage: media.py thumbnail|transcode ours|reference SRC OUT_DIR", file=sys.stderr)
        return 2
    work, who, src, out_dir = argv
    print(json.dumps(timed_run(work, who, Path(src), Path(out_dir))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
