"""`make bench-storage`: a 2 GB upload through tus into S3 (bench/storage_upload.py) and
straight to S3 (bench/storage_direct.py), each against boto3, and a transcode reading
from and writing to S3 against local files.

Issue 19's goal: a worker processing a video whose files are in S3-compatible storage
(fetching the original, uploading the renditions) takes at most 1.1 × the time of the
same job on local files. The store is a real S3 server on this machine (SeaweedFS's
`weed mini`, ensemble/core/s3server.py), so the network is loopback: the figure is what
our code and the S3 protocol cost, not a data centre's bandwidth.

The clip is bench-records' (60 s of 1080p30 MPEG-4 Part 2 and Opus in Matroska, which
needs an H.264 preview). Runs alternate (local, s3, s3, local, …), each a fresh process
(bench/storage_child.py); the median is reported. `--quick`: a 10 s clip, 2 runs each,
printed only.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import BenchError, arguments, run
from media import write_clip
from records_upload import GB, MB
from report import Page, machine_line, table, verdict
from storage_direct import bench_direct
from storage_upload import bench_tus

from ensemble.core.s3server import S3Server

CHILD = Path(__file__).resolve().with_name("storage_child.py")
GOAL = 1.1


def child(mode: str, src: Path, scratch: Path, *extra: str) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(dir=scratch))
    done = subprocess.run(
        [sys.executable, str(CHILD), mode, str(src), str(work), *extra],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"the {mode} run failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def bench(quick: bool, only: str) -> None:
    page = Page("make bench-storage", "bench/storage.py", write=not quick)
    for kind, measure in (("upload", bench_tus), ("direct", bench_direct)):
        if only not in (kind, "both"):
            continue
        with tempfile.TemporaryDirectory(prefix="ensemble-bench-storage-") as tmp:
            server = S3Server(Path(tmp) / "s3").start()
            try:
                size, rounds = (200 * MB, 1) if quick else (2 * GB, 3)
                measure(server.url(kind), server.client(), page, size, rounds, Path(tmp))
            finally:
                server.stop()
    if only in ("transcode", "both"):
        bench_transcode(page, quick)


def bench_transcode(page: Page, quick: bool) -> None:
    seconds, runs = (10, 2) if quick else (60, 3)
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-storage-") as tmp:
        scratch = Path(tmp)
        server = S3Server(scratch / "s3").start()
        try:
            print(f"writing a {seconds} s 1080p30 clip", flush=True)
            clip = write_clip(scratch / "clip.mkv", seconds)
            megabytes = clip.stat().st_size / MB
            url = server.url("bench")
            key = "bench/original.mkv"
            client = server.client()
            client.upload_file(str(clip), "ensemble-test", f"bench/records/{key}")
            results: dict[str, list[dict[str, float]]] = {"local": [], "s3": []}
            for number in range(runs):
                order = ("local", "s3") if number % 2 == 0 else ("s3", "local")
                for mode in order:
                    local_copy = scratch / f"local-{time.monotonic_ns()}" / "original.mkv"
                    local_copy.parent.mkdir()
                    local_copy.write_bytes(clip.read_bytes())
                    found = child(mode, local_copy, scratch, url, key)
                    results[mode].append(found)
                    print(
                        f"  {mode:<5} {found['seconds']:6.2f} s (CPU {found['cpu']:6.2f} s), "
                        f"peak RSS {found['peak_rss_mb']:5.0f} MB",
                        flush=True,
                    )
        finally:
            server.stop()

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    wall = median("s3", "seconds") / median("local", "seconds")
    cpu = median("s3", "cpu") / median("local", "cpu")
    rows = [
        (
            "wall time",
            f"{median('local', 'seconds'):.2f} s",
            f"{median('s3', 'seconds'):.2f} s",
            f"**{wall:.3f}**",
            f"≤ {GOAL}: {verdict(wall <= GOAL)}",
        ),
        (
            "CPU time (all threads)",
            f"{median('local', 'cpu'):.2f} s",
            f"{median('s3', 'cpu'):.2f} s",
            f"{cpu:.3f}",
            "—",
        ),
        (
            "peak RSS of the worker",
            f"{median('local', 'peak_rss_mb'):.0f} MB",
            f"{median('s3', 'peak_rss_mb'):.0f} MB",
            "",
            "—",
        ),
    ]
    body = (
        page.header()
        + machine_line(
            f"SeaweedFS {server_version()} (`weed mini`, loopback)", load_before=page.load_before
        )
        + "\n\n"
        + f"A {seconds} s clip, 1920 × 1080 at 30 fps, MPEG-4 Part 2 with Opus in Matroska, "
        f"{megabytes:.1f} MB. **Local**: `processors.video.process` on the file where it "
        "lies, renditions renamed beside it. **S3**: the original fetched from the bucket "
        "into the worker's folder, the same processing, every rendition uploaded back "
        f"(filestore.Area, as records.workspace does). {runs} runs each, alternating, each "
        "in a fresh process; the median run.\n\n"
        + table(("measure (median run)", "local", "S3", "S3 ÷ local", "goal"), "lrrll", rows)
        + "\n"
    )
    page.publish("storage-transcode", body)


def server_version() -> str:
    from ensemble.core.s3server import weed_binary

    done = subprocess.run([weed_binary(), "version"], capture_output=True, text=True)
    return done.stdout.split()[2] if done.returncode == 0 else "?"


def main() -> int:
    parser = arguments(__doc__ or "", quick="A 10 s clip, 2 runs each; prints only.")
    parser.add_argument("--only", choices=("upload", "direct", "transcode", "both"), default="both")
    options = parser.parse_args()
    return run("make bench-storage", lambda: bench(options.quick, options.only))


if __name__ == "__main__":
    sys.exit(main())
