"""bench/storage.py's direct upload: a big file sent straight to the bucket, on part
addresses the site signs (/api/v1/direct-uploads), against boto3 putting the same file
into the same bucket.

Ours is what a client's upload costs end to end: the creation, the part addresses (a
hundred at a time), every part PUT to the store by PARALLEL threads reading the file from
disk, and the completion's answer, which comes once the site has checked the parts,
completed the upload, examined the file in place and made it a draft record. The
reference is boto3's `upload_file` (its defaults: 8 MB parts, ten threads). The figure is
reference time ÷ ours (goal ≥ 0.7), with the server's memory sampled all along (goal:
≤ 64 MB growth): the bytes never pass through it.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import BenchError, free_port, process_tree, serving
from records_upload import GB, MB, MemorySampler, write_source
from report import Page, machine_line, table, verdict
from run import prepare, site_env
from storage_upload import GOAL, MEMORY_GOAL_MB, Round

PARALLEL = 4  # as the upload page sends them


def call(port: int, token: str, method: str, path: str, body: Any = None) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    if answer.status >= 300:
        raise BenchError(f"{method} {path} answered {answer.status}: {data[:500]!r}")
    return json.loads(data)


def put_part(url: str, path: Path, start: int, size: int) -> None:
    where = urlsplit(url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=900)
    conn.putrequest("PUT", f"{where.path}?{where.query}", skip_accept_encoding=True)
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    with path.open("rb") as source:
        source.seek(start)
        left = size
        while left:
            chunk = source.read(min(MB, left))
            conn.send(chunk)
            left -= len(chunk)
    answer = conn.getresponse()
    answer.read()
    conn.close()
    if answer.status != 200:
        raise BenchError(f"the store answered {answer.status} to a part")


def direct_upload(port: int, token: str, path: Path) -> tuple[float, float]:
    """Create, sign, PUT every part, complete; (started, ended)."""
    size = path.stat().st_size
    started = time.monotonic()
    upload = call(
        port, token, "POST", "/api/v1/direct-uploads", {"length": size, "filename": path.name}
    )
    base = f"/api/v1/direct-uploads/{upload['id']}"
    numbers = list(range(1, upload["parts"] + 1))
    parts = []
    for at in range(0, len(numbers), 100):
        parts += call(port, token, "POST", base + "/parts", {"numbers": numbers[at : at + 100]})[
            "parts"
        ]
    with ThreadPoolExecutor(PARALLEL) as pool:
        sent = [
            pool.submit(
                put_part, p["url"], path, (p["number"] - 1) * upload["part_size"], p["size"]
            )
            for p in parts
        ]
        for future in sent:
            future.result()
    done = call(port, token, "POST", base + "/complete")
    if not done.get("record_id"):
        raise BenchError(f"the completion made no record: {done}")
    return started, time.monotonic()


def bench_direct(
    server_url: str, client: Any, page: Page, size: int, rounds: int, scratch: Path
) -> None:
    port = free_port()
    env = site_env(scratch, port)
    env.update(STORAGE_URL=server_url, RECORD_MAX_OTHER=str(3 * size), STORAGE_QUOTA=str(1024 * GB))
    token = str(prepare(env)["token"])
    source = scratch / "bench-direct.zip"
    print(f"direct: writing a {size / MB:,.0f} MB file", flush=True)
    write_source(source, size)
    done: list[Round] = []
    with serving(env, port, scratch / "server-direct.log") as server:
        warm = scratch / "warm-direct.zip"
        write_source(warm, 4 * MB)
        for _ in range(4):
            direct_upload(port, token, warm)
        pids = list(process_tree(server.pid))
        for number in range(rounds):
            started = time.perf_counter()
            client.upload_file(str(source), "ensemble-test", f"reference-direct/{number}.zip")
            reference = time.perf_counter() - started
            with MemorySampler(pids) as sampler:
                time.sleep(1.0)
                began, ended = direct_upload(port, token, source)
                time.sleep(0.5)
            before = [s[1] for s in sampler.samples if s[0] < began]
            during = [s[1] for s in sampler.samples if began <= s[0] <= ended]
            growth = max(during) - statistics.median(before)
            done.append(Round(reference, ended - began, growth))
            print(
                f"  round {number + 1}: boto3 {size / MB / reference:6,.0f} MB/s, "
                f"direct {size / MB / (ended - began):6,.0f} MB/s, server +{growth:.0f} MB",
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
        + f"A {size / MB:,.0f} MB file. **Ours**: `POST /api/v1/direct-uploads`, the part "
        f"addresses a hundred at a time, every part PUT straight to the store by {PARALLEL} "
        "threads, then `…/complete`, until it answers (the parts checked, the upload "
        "completed, the file examined where it lies and made a draft record), with "
        "`ensemble serve --no-worker` signing. **Reference**: boto3 `upload_file` of the "
        f"same file into the same bucket. {rounds} rounds, the median.\n\n"
        + table(
            ("measure", "ours (direct)", "reference (boto3)", "reference ÷ ours", "goal"),
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
    page.publish("storage-direct", body)
