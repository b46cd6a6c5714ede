"""The editor's picture of the cut: one lane of pictures and a lane per audio track, each
item as wide as it lasts, on a ruler of seconds. Drawn as SVG (the CSP allows no inline
styles, and SVG's own attributes place things), from the document as shown, saved or
posted: an item whose times are not numbers yet is left out of the picture, not
guessed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ensemble.timelines.cut import clock

WIDTH = 1000  # the drawing's own units; it scales to the page's width
LANE = 34
GAP = 6
RULER = 18
LABEL_CHARS = 7.5  # units a character of the labels takes, to know what fits


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    y: float
    kind: str  # clip, still, title, credits, sound: its colour
    label: str  # shown inside when it fits
    title: str  # always, as the segment's <title> (hover, screen readers)

    @property
    def fits(self) -> bool:
        return self.width >= len(self.label) * LABEL_CHARS + 8

    @property
    def text_x(self) -> float:
        return self.x + 4


@dataclass
class Strip:
    seconds: float
    height: float
    segments: list[Segment] = field(default_factory=list)
    lanes: list[tuple[float, str]] = field(default_factory=list)  # (y, name)
    ticks: list[tuple[float, str, str]] = field(default_factory=list)  # x, "0:10", anchor

    @property
    def width(self) -> int:
        return WIDTH


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _length(item: dict[str, Any]) -> float | None:
    if item.get("type", "sound") in ("clip", "sound"):
        start, end = _number(item.get("in")), _number(item.get("out"))
        return end - start if start is not None and end is not None and end > start else None
    return _number(item.get("seconds"))


def layout(
    video: list[tuple[str, dict[str, Any]]], tracks: list[list[tuple[str, dict[str, Any]]]]
) -> Strip | None:
    """The picture for these items, each given with the title people know it by; None
    when nothing in it has a length yet."""
    placed: list[tuple[float, float, int, str, str, str]] = []  # start, length, lane, …
    at = 0.0
    for n, (title, item) in enumerate(video, 1):
        length = _length(item)
        if length is None:
            continue
        kind = str(item.get("type", "clip"))
        placed.append((at, length, 0, kind, f"{n}", f"Picture {n}: {title}, {length:g} s"))
        at += length
    for t, track in enumerate(tracks, 1):
        for n, (title, sound) in enumerate(track, 1):
            length, start = _length(sound), _number(sound.get("at"))
            if length is None or start is None:
                continue
            name = f"{t}.{n}"
            placed.append(
                (
                    start,
                    length,
                    t,
                    "sound",
                    name,
                    f"Sound {name}: {title}, {length:g} s from {start:g} s",
                )
            )
    total = max((start + length for start, length, *_ in placed), default=0.0)
    if total <= 0:
        return None
    scale = WIDTH / total
    lanes = 1 + len(tracks)
    strip = Strip(seconds=total, height=RULER + lanes * (LANE + GAP))
    for lane in range(lanes):
        strip.lanes.append(
            (RULER + lane * (LANE + GAP), "Pictures" if lane == 0 else f"Track {lane}")
        )
    for start, length, lane, kind, label, title in placed:
        strip.segments.append(
            Segment(
                start * scale,
                max(1.0, length * scale),
                RULER + lane * (LANE + GAP),
                kind,
                label,
                title,
            )
        )
    step = _tick_step(total)
    tick = 0.0
    while tick <= total + 1e-9:
        x = tick * scale
        anchor = "start" if x < 20 else "end" if x > WIDTH - 20 else "middle"
        strip.ticks.append((x, clock(tick), anchor))
        tick += step
    return strip


def _tick_step(total: float) -> float:
    """A round number of seconds giving five to ten ticks."""
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if total / step <= 10:
            return float(step)
    return 3600.0
