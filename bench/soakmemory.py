"""The soak's memory watch (bench/soak.py): RSS, heap and threads of every process of the
server's tree, sampled in a thread, and each one's slope after the warm-up."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

from harness import BenchError, process_tree, rss_mb

FLAT_MB_PER_MIN = 0.5  # under this after warm-up, a process is called flat (5 MB in 10 min)


def command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        return " ".join(a for a in args if a)
    return ""


def label(pid: int, parent: int, labels: dict[int, str]) -> str:
    """What a process of the server's tree is, from its command line and its parent."""
    if labels.get(parent) == "granian":
        return "web worker"
    text = command_line(pid)
    if "granian" in text:
        return "granian"
    if "ensemble worker" in text:  # `--queue media` or `--queue default`
        return "media worker" if text.endswith("media") else "task worker"
    return "ensemble serve"


def thread_count(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


class Sampler(threading.Thread):
    """RSS, heap and threads of every process in the server's tree, every `every` s."""

    def __init__(self, root: int, every: float, start: float) -> None:
        super().__init__(daemon=True)
        self.root, self.every, self.start_at = root, every, start
        self.samples: list[tuple[float, dict[int, tuple[float, float, int]]]] = []
        self.labels: dict[int, str] = {}
        self.granian = ""  # its command line: the flags the report names
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            now = {}
            for pid, parent in process_tree(self.root).items():
                mb = rss_mb(pid)
                if mb is not None:
                    now[pid] = (*mb, thread_count(pid))
                    if pid not in self.labels:
                        self.labels[pid] = label(pid, parent, self.labels)
                        if self.labels[pid] == "granian":
                            self.granian = command_line(pid)
            self.samples.append((time.monotonic() - self.start_at, now))
            self.done.wait(self.every)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per minute."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    cov = sum((t - mean_t) * (m - mean_m) for t, m in points)
    return 60 * cov / var if var else 0.0


def memory_rows(sampler: Sampler, warmup: float) -> list[dict[str, Any]]:
    """Per process, and all together: RSS and heap (RssAnon) at the warm-up's end and at
    the end, and their least-squares slopes after the warm-up."""
    after = [(t, s) for t, s in sampler.samples if t >= warmup]
    if len(after) < 2:
        raise BenchError("Too few memory samples after the warm-up: make SOAK_SECONDS longer.")

    def row(name: str, series: list[tuple[float, tuple[float, float, int]]]) -> dict[str, Any]:
        rss = [(t, m[0]) for t, m in series]
        anon = [(t, m[1]) for t, m in series]
        return {
            "process": name,
            "threads": (series[0][1][2], series[-1][1][2]),
            "rss": (rss[0][1], rss[-1][1], slope(rss)),
            "anon": (anon[0][1], anon[-1][1], slope(anon)),
            "whole_run": len(series) == len(after),
        }

    rows = []
    for pid, name in sorted(sampler.labels.items(), key=lambda kv: (kv[1], kv[0])):
        series = [(t, s[pid]) for t, s in after if pid in s]
        if series:
            rows.append(row(f"{name} ({pid})", series))
    totals = [
        (
            t,
            (
                sum(m[0] for m in s.values()),
                sum(m[1] for m in s.values()),
                sum(m[2] for m in s.values()),
            ),
        )
        for t, s in after
    ]
    rows.append(row("**all**", totals))
    return rows
