"""`python bench/timeline.py`: the timeline renderer against a bare PyAV script.

The issue's goal: a final render of a 3-minute 720p timeline with 20 clips and 3 audio
tracks takes at most 1.15 × the wall and CPU time of the same output made by a bare
PyAV script (decode, scale, concatenate, mix, encode) in the same run; peak memory is
flat in the timeline's length (1 and 3 minutes are both measured); a draft render of
the same timeline takes at most ⅓ of the final's time.

Sources, generated into a temporary folder: 20 distinct 10 s clips of 1920 × 1080
(`--sources 720`: 1280 × 720) at 30 fps, H.264 (x264 superfast, a keyframe every 2 s,
like a phone) in MP4, each a textured pattern sliding across the frame with fresh grain
every frame (so the encoder has real work); three sounds of 3 min 10 s: music (44.1 kHz
stereo FLAC), a voice (48 kHz mono WAV), ambience (48 kHz stereo AAC in M4A). The
timeline: every clip from 0.5 s for 9 s (3 s for the 1-minute version), fitted into
1280 × 720 at 30 fps; the three sounds on three tracks across it, with gains and fades.

**Reference**: the plainest PyAV script making the same MP4: each clip range decoded
(seek, then frames from its start), reformatted to 1280 × 720 yuv420p, encoded with the
same x264 options (veryfast, CRF 21); the three sounds decoded, resampled to 48 kHz
stereo, gained, faded and summed with numpy, encoded as AAC 160 kb/s; fast start.

Each run is a fresh process (`bench/timeline.py --child WHO FOLDER SECONDS OUT`), which
prints its wall and CPU seconds (all threads) and its peak resident memory (VmHWM);
final and reference runs alternate, and the median is reported. `--quick`: a 20 s
timeline, one run each, printed only. Otherwise the `bench:timeline-1080p` (or -720p)
section of docs/benchmarks.md is written (BENCH_DOC names another page).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from harness import BenchError, run  # noqa: E402 - bench modules import by bare name
from media import status_mb  # noqa: E402
from report import Page, machine_line, ratio_text, table, verdict  # noqa: E402

from ensemble.timelines.plan import Output, Plan, Sound, VideoClip  # noqa: E402

GOAL = 1.15
DRAFT_GOAL = 1 / 3
CLIPS = 20
SOURCE_SIZES = {1080: (1920, 1080), 720: (1280, 720)}
FPS = 30
OUTPUT = Output(width=1280, height=720, fps=FPS)
X264 = {"preset": "veryfast", "crf": "21"}  # as render/encode.py's final
AAC_BIT_RATE = 160_000
RATE = 48_000
CLIP_START = 0.5
# name, file, (gain dB, fade in, fade out, start in the file)
SOUNDS = (
    ("music", "music.flac", -3.0, 2.0, 3.0, 0.0),
    ("voice", "voice.wav", 0.0, 0.0, 0.0, 0.0),
    ("ambience", "ambience.m4a", -9.0, 1.0, 1.0, 5.0),
)
FORMATS = {".mp4": "mov", ".m4a": "mov", ".flac": "flac", ".wav": "wav"}


# --- sources and the plan ------------------------------------------------------------


def write_sources(
    folder: Path, clip_seconds: float, sound_seconds: float, size: tuple[int, int]
) -> None:
    for number in range(CLIPS):
        print(f"  clip {number + 1}/{CLIPS}", end="\r", flush=True)
        write_video(folder / f"clip{number:02}.mp4", clip_seconds, size, seed=number)
    write_sound(folder / "music.flac", sound_seconds, 44100, "stereo", "flac", "flac", seed=1)
    write_sound(folder / "voice.wav", sound_seconds, RATE, "mono", "wav", "pcm_s16le", seed=2)
    write_sound(folder / "ambience.m4a", sound_seconds, RATE, "stereo", "mp4", "aac", seed=3)
    print()


def write_video(path: Path, seconds: float, size: tuple[int, int], seed: int) -> None:
    """A textured gradient sliding diagonally, a colour of its own, grain on every frame."""
    rng = np.random.default_rng(seed)
    width, height = size
    margin = 4 * FPS * 12  # room to slide 4 px a frame for 12 s
    ramp = np.linspace(40, 200, width + margin, dtype=np.float32)
    texture = (ramp[None, :] + rng.normal(0, 18, (height + margin, width + margin))).clip(16, 220)
    texture = texture.astype(np.uint8)
    grains = [rng.integers(0, 10, (height, width), dtype=np.uint8) for _ in range(5)]
    chroma = np.full((height, width // 2), 0, np.uint8)
    chroma[: height // 2] = 60 + (seed * 37) % 140  # U plane rows, then V plane rows
    chroma[height // 2 :] = 200 - (seed * 53) % 140
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"preset": "superfast", "crf": "23"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = 2 * FPS
        for index in range(round(seconds * FPS)):
            shift = 4 * index
            luma = texture[shift : shift + height, shift : shift + width] + grains[index % 5]
            planes = np.concatenate([luma.reshape(-1, width), chroma.reshape(-1, width)])
            frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def write_sound(
    path: Path, seconds: float, rate: int, layout: str, muxer: str, codec: str, seed: int
) -> None:
    """Chords wandering in pitch over soft noise, a second at a time."""
    rng = np.random.default_rng(seed)
    channels = 1 if layout == "mono" else 2
    with av.open(str(path), "w", format=muxer) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        for second in range(round(seconds)):
            moments = np.arange(rate) / rate + second
            pitch = 110 * (1 + seed) * (1 + 0.5 * np.sin(second / 7))
            wave = sum(np.sin(2 * np.pi * pitch * ratio * moments) for ratio in (1, 1.25, 1.5))
            block = 0.15 * wave + rng.normal(0, 0.03, (channels, rate))
            frame = av.AudioFrame.from_ndarray(
                block.astype(np.float32), format="fltp", layout=layout
            )
            frame.sample_rate, frame.pts, frame.time_base = rate, second * rate, Fraction(1, rate)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def timeline(folder: Path, seconds: float) -> Plan:
    """20 clips sharing `seconds` equally, and the three sounds across all of it."""
    each = seconds / CLIPS
    shots = tuple(
        VideoClip(
            name=f"video {number + 1}",
            path=folder / f"clip{number:02}.mp4",
            fmt="mov",
            start=CLIP_START,
            end=CLIP_START + each,
        )
        for number in range(CLIPS)
    )
    tracks = tuple(
        (
            Sound(
                name=f"sound {number + 1}: “{name}”",
                path=folder / file,
                fmt=FORMATS[Path(file).suffix],
                start=start,
                end=start + seconds,
                at=0.0,
                gain_db=gain,
                fade_in=fade_in,
                fade_out=fade_out,
            ),
        )
        for number, (name, file, gain, fade_in, fade_out, start) in enumerate(SOUNDS)
    )
    return Plan(output=OUTPUT, shots=shots, tracks=tracks)


# --- the reference -------------------------------------------------------------------


def reference(plan: Plan, out_path: Path) -> None:
    """The same MP4 written the plainest way (see the module docstring)."""
    from av.video.frame import PictureType

    out = av.open(str(out_path), "w", format="mp4", options={"movflags": "+faststart"})
    video = out.add_stream("libx264", rate=FPS, options=dict(X264))
    video.width, video.height, video.pix_fmt = OUTPUT.width, OUTPUT.height, "yuv420p"
    video.codec_context.time_base = Fraction(1, FPS)
    audio = out.add_stream("aac", rate=RATE, layout="stereo")
    audio.bit_rate = AAC_BIT_RATE
    sounds = [SoundSamples(track[0]) for track in plan.tracks]
    frames = samples = 0
    for shot in plan.shots:
        assert isinstance(shot, VideoClip)
        with av.open(str(shot.path)) as source:
            stream = source.streams.video[0]
            stream.thread_type = "AUTO"
            source.seek(int(shot.start / stream.time_base), stream=stream)
            wanted = round(shot.seconds * FPS)
            for frame in source.decode(stream):
                if frame.time < shot.start - 0.001:
                    continue
                if wanted == 0:
                    break
                picture = frame.reformat(OUTPUT.width, OUTPUT.height, "yuv420p")
                picture.pts, picture.time_base = frames, Fraction(1, FPS)
                picture.pict_type = PictureType.NONE
                out.mux(video.encode(picture))
                frames += 1
                wanted -= 1
        # This clip's stretch of sound, all tracks summed.
        due = frames * RATE // FPS
        mix = sum(sound.take(due - samples) for sound in sounds)
        block = av.AudioFrame.from_ndarray(
            np.clip(mix, -1, 1).astype(np.float32), format="fltp", layout="stereo"
        )
        block.sample_rate, block.pts, block.time_base = RATE, samples, Fraction(1, RATE)
        out.mux(audio.encode(block))
        samples = due
    out.mux(video.encode(None))
    out.mux(audio.encode(None))
    out.close()


class SoundSamples:
    """One sound from its file's start: 48 kHz stereo, gained and faded, taken in order."""

    def __init__(self, sound: Sound) -> None:
        self.sound = sound
        self.length = round(sound.seconds * RATE)
        self.done = 0
        self.buffer = np.zeros((2, 0), np.float32)
        self.chunks = self._decode()

    def _decode(self) -> Iterator[np.ndarray]:
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
        skip = round(self.sound.start * RATE)
        with av.open(str(self.sound.path)) as source:
            for frame in source.decode(audio=0):
                for chunk in resampler.resample(frame):
                    data = chunk.to_ndarray()
                    dropped = min(skip, data.shape[1])
                    skip -= dropped
                    yield data[:, dropped:]

    def take(self, count: int) -> np.ndarray:
        while self.buffer.shape[1] < count:
            self.buffer = np.concatenate([self.buffer, next(self.chunks)], axis=1)
        taken, self.buffer = self.buffer[:, :count], self.buffer[:, count:]
        index = np.arange(self.done, self.done + count)
        envelope = np.full(count, 10 ** (self.sound.gain_db / 20))
        if self.sound.fade_in:
            envelope *= np.clip(index / (self.sound.fade_in * RATE), 0, 1)
        if self.sound.fade_out:
            envelope *= np.clip((self.length - index) / (self.sound.fade_out * RATE), 0, 1)
        self.done += count
        return taken * envelope


# --- one measured run, in a fresh process --------------------------------------------


def child(who: str, folder: Path, seconds: float, out: Path) -> dict[str, float]:
    plan = timeline(folder, seconds)
    from ensemble.timelines.render import render

    before = status_mb("VmRSS")
    cpu_start, start = time.process_time(), time.perf_counter()
    if who == "reference":
        reference(plan, out)
    else:
        render(plan, out, quality="draft" if who == "draft" else "final", progress=lambda _: None)
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu_start,
        "rss_before_mb": before,
        "peak_rss_mb": status_mb("VmHWM"),
        "megabytes": out.stat().st_size / 1e6,
    }


def measure(who: str, folder: Path, seconds: float) -> dict[str, float]:
    out = folder / f"out-{who}.mp4"
    done = subprocess.run(
        [sys.executable, __file__, "--child", who, str(folder), str(seconds), str(out)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"the {who} run failed:\n{done.stderr[-3000:]}")
    found = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    out.unlink()
    print(
        f"  {who:<9} {span(seconds):>6} timeline: {found['seconds']:6.1f} s "
        f"(CPU {found['cpu']:6.1f} s), peak RSS {found['peak_rss_mb']:4.0f} MB",
        flush=True,
    )
    return found


# --- the whole benchmark -------------------------------------------------------------


def bench(quick: bool, source_height: int) -> None:
    page = Page("python bench/timeline.py", "bench/timeline.py", write=not quick)
    long, short, rounds = (20.0, 10.0, 1) if quick else (180.0, 60.0, 3)
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-timeline-") as tmp:
        folder = Path(tmp)
        print(f"writing {CLIPS} clips and 3 sounds", flush=True)
        started = time.perf_counter()
        size = SOURCE_SIZES[source_height]
        write_sources(folder, long / CLIPS + 1, long + 10, size)
        print(f"  in {time.perf_counter() - started:.0f} s", flush=True)
        runs: dict[str, list[dict[str, float]]] = {"final": [], "reference": []}
        for number in range(rounds):  # ours, reference, reference, ours, …
            order = ("final", "reference") if number % 2 == 0 else ("reference", "final")
            for who in order:
                runs[who].append(measure(who, folder, long))
        draft = [measure("draft", folder, long) for _ in range(rounds)]
        shorter = [measure("final", folder, short) for _ in range(rounds)]
    body = report(page, runs, draft, shorter, (long, short), rounds, size)
    page.publish(f"timeline-{source_height}p", body)


def report(
    page: Page,
    runs: dict[str, list[dict[str, float]]],
    draft: list[dict[str, float]],
    shorter: list[dict[str, float]],
    lengths: tuple[float, float],
    rounds: int,
    size: tuple[int, int],
) -> str:
    long, short = lengths

    def median(results: list[dict[str, float]], key: str) -> float:
        return statistics.median(result[key] for result in results)

    final, ref = runs["final"], runs["reference"]
    wall = median(final, "seconds") / median(ref, "seconds")
    cpu = median(final, "cpu") / median(ref, "cpu")
    draft_share = median(draft, "seconds") / median(final, "seconds")
    growth = median(final, "peak_rss_mb") - median(shorter, "peak_rss_mb")

    def row(label: str, length: float, results: list[dict[str, float]], ratio: str) -> tuple:
        return (
            label,
            span(length),
            f"{median(results, 'seconds'):.1f}",
            f"{median(results, 'cpu'):.1f}",
            f"{median(results, 'peak_rss_mb'):.0f}",
            f"{median(results, 'megabytes'):.1f}",
            ratio,
        )

    rows = [
        row("render, final", long, final, f"**{wall:.3f}** wall, {cpu:.3f} CPU"),
        row("reference (bare PyAV)", long, ref, "1"),
        row(
            "render, draft (640 × 360, 25 fps)", long, draft, f"{ratio_text(draft_share)} of final"
        ),
        row("render, final", short, shorter, "—"),
    ]
    goals = [
        ("final ÷ reference, wall", f"{wall:.3f}", f"≤ {GOAL}: {verdict(wall <= GOAL)}"),
        ("final ÷ reference, CPU", f"{cpu:.3f}", f"≤ {GOAL}: {verdict(cpu <= GOAL)}"),
        (
            "draft ÷ final, wall",
            ratio_text(draft_share),
            f"≤ 1/3: {verdict(draft_share <= DRAFT_GOAL)}",
        ),
        (
            f"peak RSS, {span(long)} − {span(short)}",
            f"{growth:+.0f} MB",
            f"flat (within 10 %): {verdict(abs(growth) <= 0.1 * median(shorter, 'peak_rss_mb'))}",
        ),
    ]
    return (
        page.header()
        + machine_line(
            f"PyAV {av.__version__} (FFmpeg {av.ffmpeg_version_info})", load_before=page.load_before
        )
        + "\n\n"
        + f"{CLIPS} clips of {size[0]} × {size[1]} at 30 fps (H.264) into 1280 × 720 at 30 "
        "fps, three sound tracks; x264 veryfast CRF 21, AAC 160 kb/s, fast start. "
        f"Median of {rounds} run(s) each, every run a fresh process; final and reference "
        "alternate.\n\n"
        + table(
            ("run", "timeline", "wall s", "CPU s", "peak RSS MB", "output MB", "÷ reference"),
            "llrrrrl",
            rows,
        )
        + "\n\n"
        + table(("goal", "measured", "verdict"), "lrl", goals)
        + "\n"
    )


def span(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        who, folder, seconds, out = sys.argv[2], Path(sys.argv[3]), sys.argv[4], sys.argv[5]
        print(json.dumps(child(who, folder, float(seconds), Path(out))))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="A 20 s timeline, printed only.")
    parser.add_argument(
        "--sources",
        type=int,
        choices=sorted(SOURCE_SIZES),
        default=1080,
        help="The clips' height: 1080 (phones; scaled down to 720p) or 720 (no scaling).",
    )
    options = parser.parse_args()
    return run("bench/timeline.py", lambda: bench(options.quick, options.sources))


if __name__ == "__main__":
    sys.exit(main())
