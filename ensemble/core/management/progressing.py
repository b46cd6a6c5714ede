"""A progress line for long commands: redrawn in place on a terminal (at most five times
a second), one line per step otherwise (logs, CI)."""

from __future__ import annotations

import time

from django.core.management.base import OutputWrapper

from ensemble.core.progress import progress_bar, readable_size


class Progressing:
    def __init__(self, out: OutputWrapper, what: str, *, count: int = 0, total: int = 0) -> None:
        self.out, self.what = out, what
        self.count, self.total = count, total  # unknown when 0: no bar, only what is done
        self.files = self.bytes = 0
        self.tty = out.isatty()
        self._drawn = 0.0

    def step(self, size: int, name: str) -> None:
        self.files += 1
        self.bytes += size
        now = time.monotonic()
        if self.tty and now - self._drawn < 0.2 and self.files != self.count:
            return
        self._drawn = now
        if self.total:
            line = (
                f"{progress_bar(self.bytes, self.total)[:32]} {self.files}/{self.count} files, "
                f"{readable_size(self.bytes)} of {readable_size(self.total)}"
            )
        else:
            line = f"{self.what}: {self.files} files, {readable_size(self.bytes)}"
        if self.tty:
            self.out.write("\r" + line.ljust(80), ending="")
        else:
            self.out.write(line)

    def done(self) -> None:
        if self.tty and self.files:
            self.out.write("")
