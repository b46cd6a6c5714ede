"""Drive `wrk` and read its report.

wrk runs as a separate process (it is C, so the load generator costs far less CPU than
the server it measures) and prints a human report; this module turns that report into
numbers and refuses runs that had errors, so a broken endpoint can never be published as
a fast one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from harness import BenchError

WRK_MISSING = (
    "wrk, the load generator, is not installed.\n"
    "Install it from Debian:  apt-get install -y wrk   (run `apt-get update` first)"
)

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class Result:
    """One wrk run against one endpoint at one concurrency."""

    endpoint: str
    connections: int
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def median_run(runs: list[Result]) -> Result:
    """The run with the median req/s, whole (its latencies belong with its throughput).

    Other work on a shared machine only ever slows a run down, in bursts; the median of a
    few interleaved rounds ignores a burst that hit one round of one endpoint.
    """
    ordered = sorted(runs, key=lambda run: run.requests_per_second)
    return ordered[len(ordered) // 2]


def wrk_path() -> str:
    """The wrk executable, or BenchError saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(WRK_MISSING)
    return path


def wrk_version() -> str:
    """E.g. "4.1.0", for the report (wrk -v prints the version and exits non-zero)."""
    output = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True).stdout
    match = re.search(r"wrk \D*(\d+(?:\.\d+)+)", output)
    return match.group(1) if match else "unknown"


def run_wrk(
    url: str,
    *,
    endpoint: str,
    connections: int,
    seconds: int,
    headers: dict[str, str] | None = None,
    threads: int = 2,
) -> Result:
    """Load `url` for `seconds` and return the parsed figures (BenchError on any error)."""
    command = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",  # wrk's 2 s would count a slow page's answers as socket errors
        "30s",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if completed.returncode != 0:
        raise BenchError(f"wrk failed on {endpoint}:\n{completed.stdout}{completed.stderr}")
    return parse_wrk(completed.stdout, endpoint=endpoint, connections=connections)


def parse_wrk(output: str, *, endpoint: str, connections: int) -> Result:
    """Read wrk's --latency report; any error response or socket error fails the run.

    wrk only counts statuses above 399 as errors ("Non-2xx or 3xx responses"); run.py
    checks beforehand that every endpoint answers 200, so a redirect cannot hide here.
    """
    failures = []
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        failures.append(f"{match.group(1)} error responses")
    if match := re.search(r"Socket errors: (.+)", output):
        failures.append(f"socket errors ({match.group(1).strip()})")
    if failures:
        raise BenchError(f"{endpoint} at {connections} connections: {', '.join(failures)}.")
    try:
        requests = int(_search(r"(\d+) requests in", output))
        result = Result(
            endpoint=endpoint,
            connections=connections,
            requests=requests,
            requests_per_second=float(_search(r"Requests/sec:\s+([\d.]+)", output)),
            p50_ms=_percentile(50, output),
            p99_ms=_percentile(99, output),
        )
    except ValueError as error:
        raise BenchError(f"Cannot read wrk's report ({error}):\n{output}") from None
    if requests == 0:
        raise BenchError(f"{endpoint} at {connections} connections: no request completed.")
    return result


def _search(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    if match is None:
        raise ValueError(f"no match for {pattern!r}")
    return match.group(1)


def _percentile(percent: int, output: str) -> float:
    """A line of the "Latency Distribution" block, in ms.

    Anchored to the start of a line: the "+/- Stdev" column above can end in "50%" too.
    wrk pads whole seconds ("1.86s ") to the width of "1.86ms".
    """
    return _milliseconds(_search(rf"(?m)^\s+{percent}%\s+(\S+)[ \t]*$", output))


def _milliseconds(value: str) -> float:
    """wrk prints times as "812.00us", "1.23ms" or "2.01s"."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if match is None:
        raise ValueError(f"unexpected time {value!r}")
    return float(match.group(1)) * _TIME_UNITS_MS[match.group(2)]
