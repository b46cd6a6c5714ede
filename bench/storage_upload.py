"""bench/storage.py's upload measurement: a big file sent through tus to a site that keeps
its files in S3, against boto3 putting the same file into the same bucket.

Ours is what a member's upload costs end to end: the tus creation, the bytes in PATCH
pieces of PIECE bytes through the real server (`ensemble serve --no-worker`), and the
last PATCH's answer, which comes once the file is a record, i.e. once it was hashed,
examined and uploaded into the bucket. The reference is `boto3`'s `upload_file` (parts
in parallel threads, its defaults) of the same file into the same bucket. The figure is
reference time ÷ ours (1 would be as fast as the plain copy; the goal is ≥ 0.7), with the
server's memory sampled all along (goal: ≤ 64 MB growth).
"""

from __future__ import annotations

import base64
import http.client
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import BenchError, free_port, process_tree, serving
from records_upload import GB, MB, MemorySampler, write_source
from report import Page, machine_line, table, verdict
from run import prepare, site_env

PIECE = 64 * MB
GOAL = 0.7
MEMORY_GOAL_MB = 64


@dataclass(frozen=True)
class Round:
    reference_seconds: float
    ours_seconds: float
    growth_mb: float


def tus_upload(port: int, token: str, path: Path) -> tuple[float, float, float]:
    """Create, then PATCH every piece streamed from disk; (started, ended, record id)."""
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    size = path.stat().st_size
    name = base64.b64encode(path.name.encode()).decode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    started = time.monotonic()
    conn.request(
        "POST",
        "/api/v1/resumable/",
        headers={**auth, "Upload-Length": str(size), "Upload-Metadata": f"filename {name}"},
    )
    created = conn.getresponse()
    created.read()
    if created.status != 201:
        raise BenchError(f"creating the upload answered {created.status}")
    where = created.getheader("Location", "").split(str(port), 1)[1]
    offset = 0
    with path.open("rb") as source:
        while offset < size:
            length = min(PIECE, size - offset)
            conn.putrequest("PATCH", where)
            for header, value in {
                **auth,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(length),
            }.items():
                conn.putheader(header, value)
            conn.endheaders()
            left = length
            while left:
                chunk = source.read(min(MB, left))
                conn.send(chunk)
                left -= len(chunk)
            answer = conn.getresponse()
            answer.read()
            if answer.status != 204:
                raise BenchError(f"a PATCH answered {answer.status}")
            offset += length
    conn.close()
    record = answer.getheader("Ensemble-Record")
    if not record:
        raise BenchError("the last PATCH named no record")
    return started, time.monotonic(), float(record.rsplit("/", 1)[1])


def bench_tus(
    server_url: str, client: Any, page: Page, size: int, rounds: int, scratch: Path
) -> None:
    port = free_port()
    env = site_env(scratch, port)
    env.update(
        STORAGE_URL=server_url,
        RECORD_MAX_OTHER=str(3 * size),
        STORAGE_QUOTA=str(1024 * GB),
    )
    facts = prepare(env)
    token = str(facts["token"])
    source = scratch / "bench-source.zip"
    print(f"upload: writing a {size / MB:,.0f} MB file", flush=True)
    write_source(source, size)
    done: list[Round] = []
    with serving(env, port, scratch / "server.log") as server:
        warm = scratch / "warm.zip"
        write_source(warm, 4 * MB)
        for _ in range(4):
            tus_upload(port, token, warm)
        pids = list(process_tree(server.pid))
        for number in range(rounds):
            started = time.perf_counter()
            client.upload_file(str(source), "ensemble-test", f"reference/{number}.zip")
            reference = time.perf_counter() - started
            with MemorySampler(pids) as sampler:
                time.sleep(1.0)
                began, ended, _record = tus_upload(port, token, source)
                time.sleep(0.5)
            before = [s[1] for s in sampler.samples if s[0] < began]
            during = [s[1] for s in sampler.samples if began <= s[0] <= ended]
            growth = max(during) - statistics.median(before)
            done.append(Round(reference, ended - began, growth))
            print(
                f"  round {number + 1}: boto3 {size / MB / reference:6,.0f} MB/s, "
                f"tus {size / MB / (ended - began):6,.0f} MB/s, server +{growth:.0f} MB",
                flush=True,
            )
    source.unlink(missing_ok=True)
    ours = statistics.median(r.ours_seconds for r in done)
    reference = statistics.median(r.reference_seconds for r in done)
    growth = max(r.growth_mb for r in done)
    ratio = reference / ours
    body = (
        page.header()
        + machine_line("SeaweedFS (`weed mini`, loopback)", load_before=page.load_before)
        + "\n\n"
        + f"A {size / MB:,.0f} MB file. **Ours**: tus creation, then PATCH pieces of "
        f"{PIECE // MB} MB through `ensemble serve --no-worker` until the last answers (the file "
        "hashed, examined, uploaded into the bucket and made a draft record). **Reference**: "
        f"boto3 `upload_file` of the same file into the same bucket. {rounds} rounds, the "
        "median.\n\n"
        + table(
            ("measure", "ours (tus)", "reference (boto3)", "reference ÷ ours", "goal"),
            "lrrll",
            [
                (
                    "time",
                    f"{ours:.1f} s",
                    f"{reference:.1f} s",
                    f"**{ratio:.2f}**",
                    f"≥ {GOAL}: {verdict(ratio >= GOAL)}",
                ),
                (
                    "server memory growth (all its processes)",
                    f"{growth:.0f} MB",
                    "",
                    "",
                    f"≤ {MEMORY_GOAL_MB} MB: {verdict(growth <= MEMORY_GOAL_MB)}",
                ),
            ],
        )
        + "\n"
    )
    page.publish("storage-upload", body)
