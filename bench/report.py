"""How every benchmark says what it found: the machine it ran on, figures, Markdown tables,
and its sections of docs/benchmarks.md.

Each benchmark owns sections between `<!-- bench:NAME:start -->` and
`<!-- bench:NAME:end -->` and rewrites only those, so several benchmarks (and the prose
people write around them) share one page without overwriting each other. BENCH_DOC names
another page to write (a scratch copy, to try a benchmark without touching the real one).
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from harness import ROOT

DOC = Path(os.environ.get("BENCH_DOC") or ROOT / "docs" / "benchmarks.md").resolve()
SHARED = " (the machine is shared: other work may have run at the same time)"


# --- the machine -----------------------------------------------------------------------


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


def memory_total_gb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def machine_line(
    *software: str, load_before: float, memory: bool = True, after: str = SHARED
) -> str:
    """The machine a run measured on: without it a figure means nothing. "Measured DATE,
    N cores (CPU), M GB RAM, Python V, SOFTWARE…; load average L when the run started
    AFTER." Other work on the cores slows every row, so it says how busy they were."""
    ram = f", {memory_total_gb():.0f} GB RAM" if memory else ""
    return (
        f"Measured {today()}, {cores()} cores ({cpu_model()}){ram}, Python {python_version()}, "
        f"{', '.join(software)}; load average {load_before:.1f} when the run started{after}."
    )


# --- figures ---------------------------------------------------------------------------


def ms(value: float) -> str:
    if value < 10:
        return f"{value:.2f} ms"
    return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"


def ratio_text(ratio: float) -> str:
    """0.071 → "0.071 (≈ 1/14)": the fraction is what people remember and compare."""
    if ratio <= 0:
        return "0"
    if ratio >= 0.95:
        return f"{ratio:.2f}"
    return f"{ratio:.3f} (≈ 1/{round(1 / ratio)})"


def verdict(met: bool) -> str:
    """A goal's cell: a miss stands out."""
    return "met" if met else "**not met**"


def table(head: Sequence[str], align: str, rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; `align` has one letter a column, l or r ("lrr")."""
    rule = {"l": "---", "r": "---:"}

    def line(cells: Sequence[object]) -> str:
        return "|" + "|".join(f" {cell} " if cell != "" else " " for cell in cells) + "|"

    return "\n".join(
        [line(head), "|" + "|".join(rule[a] for a in align) + "|", *(line(row) for row in rows)]
    )


# --- the page --------------------------------------------------------------------------


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


@dataclass
class Page:
    """One benchmark's part of the page: who writes it, and whether this run does.

    `skeleton` (the part's heading, its commands and its empty sections) is added once
    at the end of the page before the first section is written. `load_before` is the
    load average when the run (then each section's measurement) started."""

    make: str  # "make bench-lineage"
    script: str  # "bench/lineage.py"
    write: bool = True
    skeleton: str = ""
    doc: Path = DOC
    load_before: float = field(default_factory=load_average)

    def command(self) -> str:
        """The command line of this run, as the reader would type it."""
        return " ".join([".venv/bin/python", self.script, *sys.argv[1:]])

    def header(self, command: str | None = None) -> str:
        """Who writes the section, and the command: `command`, else this run's ("" for
        none)."""
        named = "" if command == "" else f" Command: `{command or self.command()}`."
        return (
            f"_Written by `{self.make}` ({self.script}); edit the script, not this "
            f"section._{named}\n\n"
        )

    def publish(self, name: str, body: str) -> None:
        """Write the `bench:NAME` section (or only print it, when this run does not
        write); the next measurement's load average is taken now."""
        if self.write:
            text = self.doc.read_text() if self.doc.exists() else "# Benchmarks\n"
            if self.skeleton and f"<!-- bench:{name}:start -->" not in text:
                self.doc.write_text(text.rstrip() + self.skeleton)
            write_section(self.doc, name, body)
            print(f"Wrote the bench:{name} section of {shown(self.doc)}")
        else:
            print(body)
        self.load_before = load_average()


def shown(doc: Path) -> str:
    """The page's path from the repository's root where it lies there."""
    return str(doc.relative_to(ROOT)) if doc.is_relative_to(ROOT) else str(doc)
