"""`make bench-records`: uploads and media processing, each against a reference run.

Three measurements, each reported as a ratio to the same work done the plainest way on
the same machine in the same run (a shared 2-core machine moves absolute figures a lot,
ratios much less):

1. **upload**: a 2 GB file POSTed to /api/v1/records through the real server
   (`ensemble serve --no-worker`, DEBUG off, a throwaway folder, as bench/run.py starts
   it), streamed from disk by http.client, against `shutil.copyfile` of the same file on
   the same filesystem. The server's memory (the RSS of its whole process tree, read
   from /proc every 50 ms) is sampled during the upload: the goal is ≤ 64 MB growth.
2. **thumbnail**: `processors.image.process` on a 24-megapixel camera-like JPEG against
   a bare Pillow script making the same two WebP thumbnails (bench/media.py).
3. **transcode**: `processors.video.process` on a 60 s 1080p30 MPEG-4 Part 2 + Opus MKV
   against the same H.264/AAC fast-start MP4 encode written directly with PyAV; the goal
   is a ratio ≤ 1.1.

Media runs are interleaved (ours, reference, reference, ours, ...) and each is a fresh
process, so its peak memory is its own; the median run is reported. `--only` picks
measurements; `--quick` is a smoke run (200 MB upload, 10 s clip, fewer runs) that
prints its figures but leaves docs/benchmarks.md alone.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from harness import ROOT, BenchError, run
from media import write_clip, write_photo
from records_upload import GB, MB, bench_upload
from report import Page, machine_line, table, verdict

MEDIA_SCRIPT = Path(__file__).resolve().with_name("media.py")
TRANSCODE_GOAL = 1.1


@dataclass(frozen=True)
class Plan:
    """How big and how many: the full run, or `--quick`'s smoke run."""

    upload_bytes: int
    upload_rounds: int
    thumbnail_runs: int
    clip_seconds: int
    transcode_runs: int

    @classmethod
    def full(cls) -> Plan:
        return cls(2 * GB, 3, 5, 60, 5)

    @classmethod
    def quick(cls) -> Plan:
        return cls(200 * MB, 2, 3, 10, 2)


def media_versions() -> str:
    import av

    codec = av.library_versions.get("libavcodec", (0, 0, 0))
    return (
        f"Pillow {version('pillow')}, PyAV {version('av')} (libavcodec {'.'.join(map(str, codec))})"
    )


# --- 2 and 3. media ------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    rss_before_mb: float
    peak_rss_mb: float


def child_run(work: str, who: str, src: Path, scratch: Path) -> tuple[Run, dict[str, int]]:
    """One timed run in a fresh process; returns its figures and what it wrote."""
    out_dir = Path(tempfile.mkdtemp(dir=scratch, prefix=f"{who}-"))
    done = subprocess.run(
        [sys.executable, str(MEDIA_SCRIPT), work, who, str(src), str(out_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise BenchError(f"{work} ({who}) failed:\n{done.stdout}{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    outputs = {p.name: p.stat().st_size for p in sorted(out_dir.iterdir())}
    shutil.rmtree(out_dir)
    return Run(**figures), outputs


def alternating(
    work: str, src: Path, scratch: Path, runs: int
) -> tuple[dict[str, list[Run]], dict[str, dict[str, int]]]:
    """`runs` of each, alternating which goes first so neither always follows the other."""
    results: dict[str, list[Run]] = {"ours": [], "reference": []}
    outputs: dict[str, dict[str, int]] = {}
    for number in range(runs):
        order = ("ours", "reference") if number % 2 == 0 else ("reference", "ours")
        for who in order:
            run, outputs[who] = child_run(work, who, src, scratch)
            results[who].append(run)
            print(
                f"  {work} {who:<9} {run.seconds:6.2f} s (CPU {run.cpu:6.2f} s), "
                f"peak RSS {run.peak_rss_mb:5.0f} MB",
                flush=True,
            )
    return results, outputs


def median_of(runs: list[Run], key: Callable[[Run], float]) -> float:
    return statistics.median(key(r) for r in runs)


def media_table(results: dict[str, list[Run]], goal: float | None) -> str:
    ours, ref = results["ours"], results["reference"]
    wall = median_of(ours, lambda r: r.seconds) / median_of(ref, lambda r: r.seconds)
    cpu = median_of(ours, lambda r: r.cpu) / median_of(ref, lambda r: r.cpu)
    goal_text = f"≤ {goal}: {verdict(wall <= goal)}" if goal else "—"

    def row(name: str, key: Callable[[Run], float], unit: str, ratio: str, goal: str) -> tuple:
        a, b = median_of(ours, key), median_of(ref, key)
        digits = 2 if unit == "s" else 0
        return name, f"{a:.{digits}f} {unit}", f"{b:.{digits}f} {unit}", ratio, goal

    return table(
        ("measure (median run)", "ours", "reference", "ours ÷ reference", "goal"),
        "lrrll",
        [
            row("wall time", lambda r: r.seconds, "s", f"**{wall:.2f}**", goal_text),
            row("CPU time (all threads)", lambda r: r.cpu, "s", f"{cpu:.2f}", "—"),
            row("peak RSS of the process", lambda r: r.peak_rss_mb, "MB", "", "—"),
            row("RSS before the call (imports)", lambda r: r.rss_before_mb, "MB", "", "—"),
        ],
    )


def outputs_text(outputs: dict[str, dict[str, int]]) -> str:
    def one(files: dict[str, int]) -> str:
        return ", ".join(f"`{name}` {size / 1024:,.0f} KB" for name, size in files.items())

    return f"Ours wrote {one(outputs['ours'])}; the reference {one(outputs['reference'])}."


def bench_thumbnail(plan: Plan, page: Page) -> None:
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-media-") as tmp:
        scratch = Path(tmp)
        photo = write_photo(scratch / "photo.jpg")
        megabytes = photo.stat().st_size / MB
        print(f"thumbnail: a 6000 × 4000 JPEG of {megabytes:.1f} MB", flush=True)
        results, outputs = alternating("thumbnail", photo, scratch, plan.thumbnail_runs)
    body = (
        page.header()
        + machine_line(media_versions(), load_before=page.load_before)
        + "\n\n"
        + f"A 6000 × 4000 (24-megapixel) JPEG, quality 90, {megabytes:.1f} MB: gradients, "
        "hard-edged shapes and per-pixel noise like a camera's, with EXIF (camera, GPS) "
        "and XMP. **Ours** is `processors.image.process` as the worker calls it: a "
        "1600 px and a 480 px WebP thumbnail (quality 82), plus `download`, the original "
        "with its location stripped (a byte-level copy). The **reference** is a bare "
        "Pillow script: open, `draft` to 1600, `thumbnail` to 1600 and save WebP, then to "
        "480 and save WebP, with the same settings (bench/media.py). "
        f"{plan.thumbnail_runs} runs each, interleaved, each in a fresh process.\n\n"
        + media_table(results, None)
        + "\n\n"
        + outputs_text(outputs)
        + "\n"
    )
    page.publish("records-thumbnail", body)


def bench_transcode(plan: Plan, page: Page) -> None:
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-media-") as tmp:
        scratch = Path(tmp)
        print(f"transcode: writing a {plan.clip_seconds} s 1080p30 clip", flush=True)
        started = time.monotonic()
        clip = write_clip(scratch / "clip.mkv", plan.clip_seconds)
        megabytes = clip.stat().st_size / MB
        print(f"  {megabytes:.1f} MB in {time.monotonic() - started:.0f} s", flush=True)
        results, outputs = alternating("transcode", clip, scratch, plan.transcode_runs)
    body = (
        page.header()
        + machine_line(media_versions(), load_before=page.load_before)
        + "\n\n"
        + f"A {plan.clip_seconds} s clip, 1920 × 1080 at 30 fps, MPEG-4 Part 2 video with "
        f"Opus stereo audio in Matroska, {megabytes:.1f} MB (the moving test pattern of "
        "`samples.av.write_video`: easy to encode, so decoding and scaling weigh more "
        "than with filmed footage). **Ours** is `processors.video.process`: probe, "
        "poster frame and two thumbnails (WebP), and the H.264 preview. The "
        "**reference** is the same encode written directly with PyAV: decode (threaded), "
        "scale to 1280 × 720 yuv420p, libx264 `veryfast` CRF 23, AAC 128 kbit/s, MP4 with "
        "`+faststart` (bench/media.py). "
        f"{plan.transcode_runs} runs each, interleaved, each in a fresh process.\n\n"
        + media_table(results, TRANSCODE_GOAL)
        + "\n\n"
        + outputs_text(outputs)
        + "\n"
    )
    page.publish("records-transcode", body)


# --- main ----------------------------------------------------------------------------

BENCHES = {"upload": bench_upload, "thumbnail": bench_thumbnail, "transcode": bench_transcode}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", action="append", choices=list(BENCHES), help="run only this (repeatable)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 200 MB upload, 10 s clip, fewer runs; does not write the docs",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    plan = Plan.quick() if args.quick else Plan.full()
    page = Page("make bench-records", "bench/records.py", write=not args.quick)

    def bench() -> None:
        for name in args.only or list(BENCHES):
            BENCHES[name](plan, page)

    return run("make bench-records", bench)


if __name__ == "__main__":
    sys.exit(main())
