"""bench/records.py's upload measurement: a big file POSTed to /api/v1/records through the
real server, against `shutil.copyfile` of the same file, with the server's memory sampled
during the upload (the goal: ≤ 64 MB growth)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from harness import BenchError, free_port, process_tree, rss_mb, serving
from report import Page, machine_line, ratio_text, table, verdict
from run import prepare, server_text, site_env

if TYPE_CHECKING:
    from records import Plan

MB = 1024 * 1024
GB = 1024 * MB
UPLOAD_CHUNK = 1 * MB
SAMPLE_SECONDS = 0.05
MEMORY_GOAL_MB = 64


def filesystem_of(path: Path) -> str:
    """The mount (device and type) holding `path`, from /proc/mounts."""
    best, found = "", "unknown filesystem"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, kind, *_ = line.split()
            if str(path).startswith(mount) and len(mount) >= len(best):
                best, found = mount, f"{kind} on {device}"
    return found


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
            each = {pid: (rss_mb(pid) or (0.0, 0.0))[0] for pid in self.pids}
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


def bench_upload(plan: Plan, page: Page) -> None:
    size = plan.upload_bytes
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
        env = site_env(folder, port)
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
        rounds: list[UploadRound] = []
        try:
            with serving(env, port, folder / "server.log") as server:
                for _ in range(6):  # each worker runs the upload path once before we measure
                    upload(port, token, warmup)
                time.sleep(1.0)
                pids = list(process_tree(server.pid))
                print(f"upload: server tree {len(pids)} processes; {plan.upload_rounds} rounds")
                for number in range(plan.upload_rounds):
                    done = measure_upload_round(port, token, source, folder, pids)
                    rounds.append(done)
                    print_round(number, size, done)
                if sorted(process_tree(server.pid)) != sorted(pids):
                    print("upload: warning: the server's processes changed during the run")
                leftovers = leftover_uploads(folder)
        finally:
            source.unlink(missing_ok=True)
    if leftovers:
        print(f"upload: temporary files left in UPLOAD_TEMP_DIR: {leftovers}")
    page.publish("records-upload", upload_section(plan, rounds, page, facts))


def print_round(number: int, size: int, done: UploadRound) -> None:
    print(
        f"  round {number + 1}: copy {size / MB / done.copy_seconds:7,.0f} MB/s, "
        f"upload {size / MB / done.upload.seconds:7,.0f} MB/s "
        f"(body sent in {done.upload.sent_seconds:.1f} s, answered after "
        f"{done.upload.seconds:.1f} s); server RSS {done.baseline_mb:.0f} → "
        f"peak {done.peak_mb:.0f} MB (+{done.peak_mb - done.baseline_mb:.0f}), "
        f"after {done.after_mb:.0f} MB",
        flush=True,
    )


def upload_section(
    plan: Plan, rounds: list[UploadRound], page: Page, facts: dict[str, object]
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
    figures = table(
        ("measure", "upload", "plain copy", "ratio", "goal"),
        "lrrll",
        [
            (
                f"time for {mb:,.0f} MB",
                f"{up:.2f} s",
                f"{copy:.2f} s",
                f"{ratio_text(copy / up)} of the copy's speed",
                "—",
            ),
            ("throughput", f"{mb / up:,.0f} MB/s", f"{mb / copy:,.0f} MB/s", "", ""),
            (
                "server RSS, whole process tree",
                f"{baseline:.0f} MB before, {peak:.0f} MB at the peak, {after:.0f} MB after",
                "",
                "",
                "",
            ),
            (
                "server memory growth during the upload (worst round)",
                f"**{growth:.0f} MB** (one process: {worst:.0f} MB)",
                "",
                "",
                f"≤ {MEMORY_GOAL_MB} MB: {verdict(growth <= MEMORY_GOAL_MB)}",
            ),
        ],
    )
    software = f"{facts['database']}, {server_text(facts)}, files on {where}"
    return (
        page.header()
        + machine_line(software, load_before=page.load_before)
        + "\n\n"
        + f"One {mb:,.0f} MB file (a ZIP signature, then random bytes) POSTed to "
        "`/api/v1/records` as multipart, streamed from disk in 1 MB pieces by http.client "
        "on the same machine, timed from the first byte sent to the response (201, the "
        f"record created; the body was all sent after {sent:.1f} s). The reference is "
        "`shutil.copyfile` of the same file into the same filesystem (the kernel copies, "
        "page cache to page cache). Neither syncs to disk; `sync` runs before each. "
        f"Median of {len(rounds)} interleaved rounds; memory is the sum of VmRSS over the "
        f"server's processes sampled every {SAMPLE_SECONDS * 1000:.0f} ms, after warm-up "
        "uploads.\n\n" + figures + "\n"
    )
