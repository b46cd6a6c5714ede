"""Turn benchmark results into a section of docs/benchmarks.md.

Each benchmark owns one section between `<!-- bench:NAME:start -->` and
`<!-- bench:NAME:end -->` and rewrites only that, so several benchmarks (and the prose
people write around them) share one page without overwriting each other.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from loadgen import Result

FLOOR = "/healthz"


@dataclass(frozen=True)
class Machine:
    """What the figures were measured on: without it a req/s figure means nothing."""

    cores: int
    cpu: str
    python: str
    database: str
    django: str
    server: str
    wrk: str
    date: str
    # Other work on the cores slows every row; say how busy the machine was.
    load_average: float

    def describe(self) -> str:
        return (
            f"{self.date}, {self.cores} cores ({self.cpu}), Python {self.python}, "
            f"{self.database}, Django {self.django}, {self.server}; "
            f"wrk {self.wrk} on the same machine; load average {self.load_average:.1f} "
            "when the run started."
        )


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), or the platform's best guess."""
    with contextlib.suppress(OSError):  # no /proc (not Linux): the platform's guess below
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def cores() -> int:
    return os.cpu_count() or 1


def load_average() -> float:
    """The 1-minute load average (0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def python_version() -> str:
    return platform.python_version()


def ratio_text(ratio: float) -> str:
    """0.071 → "0.071 (≈ 1/14)": the fraction is what people remember and compare."""
    if ratio <= 0:
        return "0"
    if ratio >= 0.95:
        return f"{ratio:.2f}"
    return f"{ratio:.3f} (≈ 1/{round(1 / ratio)})"


def table(results: list[Result]) -> str:
    """Markdown table; the ratio divides by /healthz at the same concurrency, same run."""
    floors = {r.connections: r.requests_per_second for r in results if r.endpoint == FLOOR}
    lines = [
        "| endpoint | connections | req/s | p50 | p99 | ratio to floor |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in sorted(results, key=lambda r: r.connections):
        ratio = r.requests_per_second / floors[r.connections]
        lines.append(
            f"| `{r.endpoint}` | {r.connections} | {r.requests_per_second:,.0f} "
            f"| {r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | {ratio_text(ratio)} |"
        )
    return "\n".join(lines)


def section(machine: Machine, results: list[Result], *, seconds: int, rounds: int) -> str:
    """The generated part of the page: the machine, then the table."""
    return (
        "_Written by `make bench` (bench/run.py); edit the script, not this section._\n\n"
        f"Measured {machine.describe()} Each row: `wrk -t2 --latency` for {seconds} s, "
        f"the median of {rounds} interleaved rounds.\n\n"
        f"{table(results)}\n"
    )


def write_section(doc: Path, name: str, body: str) -> None:
    """Replace the `bench:NAME` section of `doc`, or append it if the page lacks one."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body}{end}"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = f"{text.rstrip()}\n\n{block}\n"
    doc.write_text(text)
