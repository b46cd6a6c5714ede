"""What the renderer is given: a timeline resolved into files on this machine.

The timeline a leader edits (`document`) names records; the service that starts a render
checks every one of them (access, licence, state) and resolves it to the local path of
the version it uses (`Plan`). The renderer (`render/`) sees only this: paths, times and
text, nothing of the database, so it can be tested, benchmarked and reasoned about alone.

Every item carries `name`, how a person would point at it ("video 3: “Morning walk”"),
which a render failure repeats so the leader knows which clip to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

Fit = Literal["fit", "fill", "crop"]
# fit: the whole picture, scaled to fit, on black; fill: scaled to cover the frame, the
# overflow cropped evenly; crop: at its own pixel size, centred, cropped or on black.
FITS: tuple[Fit, ...] = ("fit", "fill", "crop")


@dataclass(frozen=True)
class Output:
    width: int  # even, at most 1920
    height: int  # even, at most 1080
    fps: int  # 1 to 60


@dataclass(frozen=True)
class VideoClip:
    """`start`–`end` seconds of a video file, on screen for `end - start` seconds."""

    name: str
    path: Path
    fmt: str  # the demuxer `records.media.sniff` named (opened only through avfile)
    start: float
    end: float
    fit: Fit = "fit"

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Still:
    """A picture held for `seconds`."""

    name: str
    path: Path
    seconds: float
    fit: Fit = "fit"


@dataclass(frozen=True)
class TitleCard:
    name: str
    title: str
    subtitle: str
    seconds: float


@dataclass(frozen=True)
class CreditSection:
    heading: str  # "Illustration", "Music", "Thanks"
    lines: tuple[str, ...]  # "Ada Lovelace — the turnip's design"


@dataclass(frozen=True)
class CreditCard:
    """The end credits, drawn from the production's credit roll: scrolled up through the
    frame over `seconds`, or shown a page at a time."""

    name: str
    sections: tuple[CreditSection, ...]
    seconds: float
    style: Literal["scroll", "pages"] = "scroll"
    # A preview of part of the timeline (`window`) shows `seconds` of the card from
    # `lead` seconds into it, moving as the whole card of `full` seconds would.
    lead: float = 0.0
    full: float | None = None


Shot = VideoClip | Still | TitleCard | CreditCard


@dataclass(frozen=True)
class Sound:
    """`start`–`end` seconds of a file's first audio track, placed at `at` seconds of the
    production, with its gain (dB) and fades (seconds)."""

    name: str
    path: Path
    fmt: str
    start: float
    end: float
    at: float
    gain_db: float = 0.0
    fade_in: float = 0.0
    fade_out: float = 0.0

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Plan:
    """A production to render. With shots it is a film as long as its shots (sound past
    the last shot is cut); with only sound it is an audio production as long as its
    last sound."""

    output: Output
    shots: tuple[Shot, ...]
    tracks: tuple[tuple[Sound, ...], ...]

    @property
    def seconds(self) -> float:
        if self.shots:
            return sum(shot.seconds for shot in self.shots)
        return max((s.at + s.seconds for track in self.tracks for s in track), default=0.0)

    @property
    def is_audio_only(self) -> bool:
        return not self.shots


def window(plan: Plan, start: float, end: float) -> Plan:
    """The part of `plan` from `start` to `end` seconds, as its own plan: for previewing a
    stretch of a long production without rendering all of it. Shots are cut to the
    window (a clip's in and out move, a card's part is kept); sounds too, keeping a fade
    only where it falls inside the window."""
    shots: list[Shot] = []
    at = 0.0
    for shot in plan.shots:
        begin, finish = max(start, at), min(end, at + shot.seconds)
        if finish - begin > 1e-6:
            shots.append(_cut_shot(shot, begin - at, finish - at))
        at += shot.seconds
    tracks = tuple(
        tuple(cut for sound in track if (cut := _cut_sound(sound, start, end)) is not None)
        for track in plan.tracks
    )
    return Plan(plan.output, tuple(shots), tracks)


def _cut_shot(shot: Shot, begin: float, finish: float) -> Shot:
    """`shot` from `begin` to `finish` seconds into it."""
    if isinstance(shot, VideoClip):
        return replace(shot, start=shot.start + begin, end=shot.start + finish)
    if isinstance(shot, CreditCard):
        return replace(
            shot, seconds=finish - begin, lead=shot.lead + begin, full=shot.full or shot.seconds
        )
    return replace(shot, seconds=finish - begin)


def _cut_sound(sound: Sound, start: float, end: float) -> Sound | None:
    begin, finish = max(start, sound.at), min(end, sound.at + sound.seconds)
    if finish - begin <= 1e-6:
        return None
    return replace(
        sound,
        start=sound.start + begin - sound.at,
        end=sound.start + finish - sound.at,
        at=begin - start,
        fade_in=sound.fade_in if sound.at >= start else 0.0,
        fade_out=sound.fade_out if sound.at + sound.seconds <= end else 0.0,
    )
