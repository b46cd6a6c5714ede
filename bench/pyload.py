"""A load generator in Python, for machines without wrk.

Like `wrk -tP -cN -dS --latency`: P worker processes (this file, run as a script), each
holding its share of N keep-alive connections open for S seconds with asyncio, each
connection sending the same GET as soon as the previous answer is read. Every answer is
read whole (Content-Length or chunked), its status counted and its latency kept, so a
broken endpoint cannot pass for a fast one. Requests in flight when time is up are
awaited (up to GRACE_S) but not counted as done; their latencies count. The parent
merges the workers' figures into a `loadgen.Result`.

Python spends far more CPU per request than wrk's C, on the cores the server needs: on a
small machine it caps what the server can show, most for the cheapest URL (the floor).
Reports say which generator ran.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import BenchError, percentile
from loadgen import Result

SCRIPT = str(Path(__file__).resolve())
# How long requests in flight when time is up may still take: their answers drain the
# server (a closed connection would not stop their work) before the next run starts.
GRACE_S = 60
NAME = "Python asyncio (bench/pyload.py)"


def request_bytes(host: str, path: str, headers: Mapping[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the server keeps the connection) of one HTTP/1.1 answer."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length, chunked, keep = -1, False, True
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "connection":
            keep = value != "close"
    if chunked:
        parts = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readline()  # the CRLF after each chunk
        while await reader.readline() not in (b"\r\n", b""):  # trailers
            pass
        return status, b"".join(parts), keep
    if length >= 0:
        return status, await reader.readexactly(length), keep
    return status, await reader.read(), False  # delimited by the close


async def _connection(
    host: str, port: int, request: bytes, until: float, out: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (start := time.perf_counter()) < until:
            writer.write(request)
            try:
                answer = read_response(reader)
                status, _, keep = await asyncio.wait_for(answer, until + GRACE_S - start)
            except TimeoutError:
                # Unanswered even after the grace: its wait so far is a lower bound.
                out["unfinished"].append((time.perf_counter() - start) * 1000)
                break
            now = time.perf_counter()
            # Answered after time was up: not done within the run, but a real latency.
            out["latencies" if now <= until else "late"].append((now - start) * 1000)
            out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _worker(url: str, connections: int, seconds: float, headers: dict[str, str]) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    request = request_bytes(parts.netloc, path or "/", headers)
    out: dict[str, Any] = {"latencies": [], "late": [], "unfinished": [], "statuses": {}}
    out["errors"] = []
    start = time.perf_counter()
    tasks = [_connection(host, port, request, start + seconds, out) for _ in range(connections)]
    for result in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(result, BaseException):
            out["errors"].append(f"{type(result).__name__}: {result}")
    out["elapsed"] = seconds
    return out


def run_python(
    url: str,
    *,
    endpoint: str,
    connections: int,
    seconds: int,
    headers: dict[str, str] | None = None,
    processes: int = 2,
) -> Result:
    """Load `url` for `seconds` from `processes` workers sharing `connections`; any
    answer but 200, or any socket error, fails the run (BenchError)."""
    shares = [connections // processes + (i < connections % processes) for i in range(processes)]
    workers = [
        subprocess.Popen(
            [sys.executable, SCRIPT, url, str(share), str(seconds), json.dumps(headers or {})],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in shares
        if share
    ]
    outs = []
    for worker in workers:
        stdout, stderr = worker.communicate(timeout=seconds + GRACE_S + 60)
        if worker.returncode != 0:
            raise BenchError(f"The load generator failed on {endpoint}:\n{stderr}")
        outs.append(json.loads(stdout))
    return merge(outs, endpoint=endpoint, connections=connections)


def merge(outs: list[dict[str, Any]], *, endpoint: str, connections: int) -> Result:
    """The workers' figures as one run (BenchError on any error or non-200 answer). The
    requests answered after time was up are not counted as done, but their latencies
    are among the percentiles: a page too slow to answer within the run shows 0 req/s
    and its real latency, rather than failing the run."""
    errors = [e for out in outs for e in out["errors"]]
    statuses: dict[str, int] = {}
    for out in outs:
        for status, count in out["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    wrong = {s: n for s, n in statuses.items() if s != "200"}
    if errors or wrong:
        raise BenchError(
            f"{endpoint} at {connections} connections: answers {wrong or 'all 200'}, "
            f"{len(errors)} socket errors {errors[:3]}"
        )
    done = [ms for out in outs for ms in out["latencies"]]
    latencies = done + [ms for out in outs for key in ("late", "unfinished") for ms in out[key]]
    return Result(
        endpoint=endpoint,
        connections=connections,
        requests=len(done),
        requests_per_second=sum(len(out["latencies"]) / out["elapsed"] for out in outs),
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
    )


if __name__ == "__main__":
    url, connections, seconds, headers = sys.argv[1:]
    figures = asyncio.run(_worker(url, int(connections), float(seconds), json.loads(headers)))
    print(json.dumps(figures))
