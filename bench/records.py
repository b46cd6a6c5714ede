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
import contextlib
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from harness import memory_total_gb
from loadgen import BenchError
from media import write_clip, write_photo
from report import cores, cpu_model, load_average, python_version, ratio_text, today, write_section
from run import (
    ROOT,
    bench_env,
    free_port,
    prepare,
    start_server,
    stop_server,
    wait_until_up,
)

DOC = ROOT / "docs" / "benchmarks.md"
MEDIA_SCRIPT = Path(__file__).resolve().with_name("media.py")
MB = 1024 * 1024
GB = 1024 * MB
UPLOAD_CHUNK = 1 * MB
SAMPLE_SECONDS = 0.05
MEMORY_GOAL_MB = 64
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


# --- machine -------------------------------------------------------------------------


def filesystem_of(path: Path) -> str:
    """The mount (device and type) holding `path`, from /proc/mounts."""
    best, found = "", "unknown filesystem"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, kind, *_ = line.split()
            if str(path).startswith(mount) and len(mount) >= len(best):
                best, found = mount, f"{kind} on {device}"
    return found


def machine_line(load_before: float, extra: str) -> str:
    return (
        f"Measured {today()}, {cores()} cores ({cpu_model()}), "
        f"{memory_total_gb():.0f} GB RAM, Python {python_version()}, {extra}; "
        f"load average {load_before:.1f} when the run started (the machine is shared: "
        "other work may have run at the same time)."
    )


def media_versions() -> str:
    import av

    codec = av.library_versions.get("libavcodec", (0, 0, 0))
    return (
        f"Pillow {version('pillow')}, PyAV {version('av')} (libavcodec {'.'.join(map(str, codec))})"
    )


def command_line() -> str:
    return " ".join([".venv/bin/python", "bench/records.py", *sys.argv[1:]])


def header(command: str) -> str:
    return (
        "_Written by `make bench-records` (bench/records.py); edit the script, not this "
        f"section._ Command: `{command}`.\n\n"
    )


def goal_cell(met: bool) -> str:
    return "met" if met else "**not met**"


# --- 1. upload -----------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def resident_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class MemorySampler:
    """Sums the RSS of a process tree every SAMPLE_SECONDS on a thread of its own."""

    pids: list[int]
    samples: list[tuple[float, float, dict[int, float]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            each = {pid: resident_mb(pid) for pid in self.pids}
            self.samples.append((time.monotonic(), sum(each.values()), each))
            self._stop.wait(SAMPLE_SECONDS)

    def between(self, start: float, end: float) -> list[tuple[float, float, dict[int, float]]]:
        return [s for s in self.samples if start <= s[0] <= end]


def write_source(path: Path, size: int) -> None:
    """An "other" file the server accepts: a ZIP local-file signature, then random bytes."""
    block = os.urandom(16 * MB)
    with path.open("wb") as out:
        out.write(b"PK\x03\x04")
        written = 4
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            written += len(piece)


def multipart(boundary: str, filename: str) -> tuple[bytes, bytes]:
    """The bytes before and after the file's content in the request body."""
    fields = {"title": "Bench upload", "licence": "cc-by-4.0", "tags": "bench, upload"}
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/zip\r\n\r\n'
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode()


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(UPLOAD_CHUNK):
            yield chunk


@dataclass(frozen=True)
class Upload:
    seconds: float  # first byte sent → response read
    sent_seconds: float  # first byte sent → last byte sent
    started: float
    ended: float


def upload(port: int, token: str, path: Path) -> Upload:
    """POST `path` as multipart, streamed from disk: the client never holds the file."""
    boundary = uuid.uuid4().hex
    head, tail = multipart(boundary, path.name)
    length = len(head) + path.stat().st_size + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        started = time.monotonic()
        conn.putrequest("POST", "/api/v1/records")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        conn.send(head)
        for chunk in file_chunks(path):
            conn.send(chunk)
        conn.send(tail)
        sent = time.monotonic()
        response = conn.getresponse()
        body = response.read()
        ended = time.monotonic()
    finally:
        conn.close()
    if response.status != 201:
        raise BenchError(f"The upload answered {response.status}:\n{body[:2000]!r}")
    record = json.loads(body)
    size = record["latest_version"]["size"]
    if record["kind"] != "other" or size != path.stat().st_size:
        raise BenchError(f"The upload made a {record['kind']} record of {size} bytes.")
    return Upload(ended - started, sent - started, started, ended)


def timed_copy(src: Path, dst: Path) -> float:
    start = time.perf_counter()
    shutil.copyfile(src, dst)
    seconds = time.perf_counter() - start
    dst.unlink()
    return seconds


@dataclass(frozen=True)
class UploadRound:
    copy_seconds: float
    upload: Upload
    baseline_mb: float
    peak_mb: float
    after_mb: float
    worst_process_growth_mb: float


def measure_upload_round(
    port: int, token: str, source: Path, folder: Path, pids: list[int]
) -> UploadRound:
    os.sync()  # no dirty pages left from the previous step to slow this one
    copy_seconds = timed_copy(source, folder / "copy.zip")
    os.sync()
    with MemorySampler(pids) as sampler:
        time.sleep(1.0)
        result = upload(port, token, source)
        time.sleep(1.0)
    before = sampler.between(0, result.started)
    during = sampler.between(result.started, result.ended)
    after = sampler.samples[-5:]
    if not before or not during:
        raise BenchError("No memory samples were taken around the upload.")
    baseline = {pid: statistics.median(s[2][pid] for s in before) for pid in pids}
    worst = max(max(s[2][pid] for s in during) - baseline[pid] for pid in pids)
    # What the server kept: remove the stored file (no worker runs to process it).
    shutil.rmtree(folder / "records", ignore_errors=True)
    return UploadRound(
        copy_seconds=copy_seconds,
        upload=result,
        baseline_mb=sum(baseline.values()),
        peak_mb=max(s[1] for s in during),
        after_mb=statistics.median(s[1] for s in after),
        worst_process_growth_mb=worst,
    )


def leftover_uploads(folder: Path) -> list[str]:
    uploads = folder / "uploads"
    return sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []


def bench_upload(plan: Plan, command: str, write: bool) -> None:
    size = plan.upload_bytes
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-records-") as tmp:
        folder = Path(tmp)
        free = shutil.disk_usage(folder).free
        if free < max(8 * GB, 4 * size):
            print(
                f"upload: skipped, only {free / GB:.1f} GB free in {folder} "
                f"(the source, the copy and the upload need {max(8 * GB, 4 * size) / GB:.0f} GB)."
            )
            return
        port = free_port()
        env = bench_env(folder, port)
        env.update(
            RECORD_MAX_OTHER=str(3 * size),
            RECORD_MAX_VIDEO=str(3 * size),
            STORAGE_QUOTA=str(1024 * GB),
        )
        print(f"upload: a throwaway site in {folder}", flush=True)
        facts = prepare(env)
        token = str(facts["token"])
        source = folder / "bench-source.zip"
        print(f"upload: writing a {size / MB:,.0f} MB file", flush=True)
        write_source(source, size)
        warmup = folder / "warmup.zip"
        write_source(warmup, 4 * MB)
        log = folder / "server.log"
        server = start_server(env, port, log)
        rounds: list[UploadRound] = []
        try:
            wait_until_up(server, port, log)
            for _ in range(6):  # each worker runs the upload path once before we measure
                upload(port, token, warmup)
            time.sleep(1.0)
            pids = process_tree(server.pid)
            print(f"upload: server tree {len(pids)} processes; {plan.upload_rounds} rounds")
            for number in range(plan.upload_rounds):
                done = measure_upload_round(port, token, source, folder, pids)
                rounds.append(done)
                print(
                    f"  round {number + 1}: copy {size / MB / done.copy_seconds:7,.0f} MB/s, "
                    f"upload {size / MB / done.upload.seconds:7,.0f} MB/s "
                    f"(body sent in {done.upload.sent_seconds:.1f} s, answered after "
                    f"{done.upload.seconds:.1f} s); server RSS {done.baseline_mb:.0f} → "
                    f"peak {done.peak_mb:.0f} MB (+{done.peak_mb - done.baseline_mb:.0f}), "
                    f"after {done.after_mb:.0f} MB",
                    flush=True,
                )
            if sorted(process_tree(server.pid)) != sorted(pids):
                print("upload: warning: the server's processes changed during the run")
            leftovers = leftover_uploads(folder)
            if server.poll() is not None:
                raise BenchError(f"The server died during the run:\n{log.read_text()}")
        finally:
            stop_server(server)
            source.unlink(missing_ok=True)
        workers = facts["web_workers"]
    if leftovers:
        print(f"upload: temporary files left in UPLOAD_TEMP_DIR: {leftovers}")
    server_text = f"granian {version('granian')} WSGI ({workers} workers, --blocking-threads 4)"
    body = upload_section(plan, rounds, command, load_before, server_text, str(facts["database"]))
    print(body)
    if write:
        write_section(DOC, "records-upload", body)


def upload_section(
    plan: Plan,
    rounds: list[UploadRound],
    command: str,
    load_before: float,
    server_text: str,
    database: str,
) -> str:
    size = plan.upload_bytes
    copy = statistics.median(r.copy_seconds for r in rounds)
    up = statistics.median(r.upload.seconds for r in rounds)
    sent = statistics.median(r.upload.sent_seconds for r in rounds)
    growth = max(r.peak_mb - r.baseline_mb for r in rounds)
    worst = max(r.worst_process_growth_mb for r in rounds)
    baseline = statistics.median(r.baseline_mb for r in rounds)
    peak = max(r.peak_mb for r in rounds)
    after = statistics.median(r.after_mb for r in rounds)
    mb = size / MB
    where = filesystem_of(Path(tempfile.gettempdir()))
    lines = [
        "| measure | upload | plain copy | ratio | goal |",
        "|---|---:|---:|---|---|",
        f"| time for {mb:,.0f} MB | {up:.2f} s | {copy:.2f} s | "
        f"{ratio_text(copy / up)} of the copy's speed | — |",
        f"| throughput | {mb / up:,.0f} MB/s | {mb / copy:,.0f} MB/s | | |",
        f"| server RSS, whole process tree | {baseline:.0f} MB before, {peak:.0f} MB at the "
        f"peak, {after:.0f} MB after | | | |",
        f"| server memory growth during the upload (worst round) | **{growth:.0f} MB** "
        f"(one process: {worst:.0f} MB) | | | ≤ {MEMORY_GOAL_MB} MB: "
        f"{goal_cell(growth <= MEMORY_GOAL_MB)} |",
    ]
    return (
        header(command)
        + machine_line(load_before, f"{database}, {server_text}, files on {where}")
        + "\n\n"
        + f"One {mb:,.0f} MB file (a ZIP signature, then random bytes) POSTed to "
        "`/api/v1/records` as multipart, streamed from disk in 1 MB pieces by http.client "
        "on the same machine, timed from the first byte sent to the response (201, the "
        f"record created; the body was all sent after {sent:.1f} s). The reference is "
        "`shutil.copyfile` of the same file into the same filesystem (the kernel copies, "
        "page cache to page cache). Neither syncs to disk; `sync` runs before each. "
        f"Median of {len(rounds)} interleaved rounds; memory is the sum of VmRSS over the "
        f"server's processes sampled every {SAMPLE_SECONDS * 1000:.0f} ms, after warm-up "
        "uploads.\n\n" + "\n".join(lines) + "\n"
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


def interleaved(
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
    goal_text = f"≤ {goal}: {goal_cell(wall <= goal)}" if goal else "—"

    def row(name: str, key: Callable[[Run], float], unit: str, ratio: str, goal: str) -> str:
        a, b = median_of(ours, key), median_of(ref, key)
        digits = 2 if unit == "s" else 0
        return f"| {name} | {a:.{digits}f} {unit} | {b:.{digits}f} {unit} | {ratio} | {goal} |"

    return "\n".join(
        [
            "| measure (median run) | ours | reference | ours ÷ reference | goal |",
            "|---|---:|---:|---|---|",
            row("wall time", lambda r: r.seconds, "s", f"**{wall:.2f}**", goal_text),
            row("CPU time (all threads)", lambda r: r.cpu, "s", f"{cpu:.2f}", "—"),
            row("peak RSS of the process", lambda r: r.peak_rss_mb, "MB", "", "—"),
            row("RSS before the call (imports)", lambda r: r.rss_before_mb, "MB", "", "—"),
        ]
    )


def outputs_text(outputs: dict[str, dict[str, int]]) -> str:
    def one(files: dict[str, int]) -> str:
        return ", ".join(f"`{name}` {size / 1024:,.0f} KB" for name, size in files.items())

    return f"Ours wrote {one(outputs['ours'])}; the reference {one(outputs['reference'])}."


def bench_thumbnail(plan: Plan, command: str, write: bool) -> None:
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-media-") as tmp:
        scratch = Path(tmp)
        photo = write_photo(scratch / "photo.jpg")
        megabytes = photo.stat().st_size / MB
        print(f"thumbnail: a 6000 × 4000 JPEG of {megabytes:.1f} MB", flush=True)
        results, outputs = interleaved("thumbnail", photo, scratch, plan.thumbnail_runs)
    body = (
        header(command)
        + machine_line(load_before, media_versions())
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
    print(body)
    if write:
        write_section(DOC, "records-thumbnail", body)


def bench_transcode(plan: Plan, command: str, write: bool) -> None:
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-media-") as tmp:
        scratch = Path(tmp)
        print(f"transcode: writing a {plan.clip_seconds} s 1080p30 clip", flush=True)
        started = time.monotonic()
        clip = write_clip(scratch / "clip.mkv", plan.clip_seconds)
        megabytes = clip.stat().st_size / MB
        print(f"  {megabytes:.1f} MB in {time.monotonic() - started:.0f} s", flush=True)
        results, outputs = interleaved("transcode", clip, scratch, plan.transcode_runs)
    body = (
        header(command)
        + machine_line(load_before, media_versions())
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
    print(body)
    if write:
        write_section(DOC, "records-transcode", body)


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
    command = command_line()
    try:
        for name in args.only or list(BENCHES):
            BENCHES[name](plan, command, not args.quick)
    except BenchError as error:
        print(f"make bench-records: {error}", file=sys.stderr)
        return 1
    if not args.quick:
        print(f"Wrote the records sections of {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
