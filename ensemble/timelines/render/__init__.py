"""The timeline renderer: a `Plan` (files, times, text) into one MP4, and nothing else.

    render(plan, out, quality="final" | "draft", progress=callback) -> Rendered

A film (a plan with shots) becomes H.264 + AAC, as long as its shots; an audio
production (sounds only) becomes AAC in an .m4a, as long as its last sound. Encoding
settings per quality are in `encode.py`; each kind of shot has its module (`video.py`,
`stills.py`, `cards.py`), the sound its own (`audio.py`).

The loop, for a film:
1. Give every shot its frames: shot i covers output frames round(T_i × fps) up to
   round(T_i+1 × fps), T_i being where it starts, so rounding never drifts and the
   total is round(plan.seconds × fps).
2. After each frame, mix and encode sound up to that frame's end, so the muxer
   receives both in time order (it interleaves them; nothing piles up in memory).
3. Call `progress` with the fraction of output time done, every half second of wall
   time, and 1.0 at the end.
A failure (a `RenderError` for the leader, or a bug of ours) deletes the partial file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from av.video.frame import VideoFrame

from ensemble.records.media.avfile import Heartbeat

from ..plan import CreditCard, Plan, Shot, Still, TitleCard, VideoClip
from .audio import mixed_blocks
from .cards import credit_frames, title_frames
from .encode import SAMPLE_RATE, Encoding, Muxer, Quality, encoding_for
from .errors import RenderError
from .stills import still_frame
from .video import clip_frames

__all__ = ["RenderError", "Rendered", "render"]

HEARTBEAT_SECONDS = 0.5


@dataclass(frozen=True)
class Rendered:
    """What was written: its length, picture size (0 × 0 for audio) and type."""

    seconds: float
    width: int
    height: int
    kind: Literal["video", "audio"]
    mime: Literal["video/mp4", "audio/mp4"]


def render(
    plan: Plan, out: Path, *, quality: Quality, progress: Callable[[float], None]
) -> Rendered:
    """Render `plan` into the file `out` (replaced if it exists); see the module doc."""
    encoding = encoding_for(plan.output, quality)
    if round(plan.seconds * (SAMPLE_RATE if plan.is_audio_only else encoding.fps)) <= 0:
        raise RenderError("The timeline is empty: there is nothing to render.")
    heartbeat = Heartbeat(progress, plan.seconds, every=HEARTBEAT_SECONDS)
    muxer = Muxer(out, encoding, video=not plan.is_audio_only)
    try:
        if plan.is_audio_only:
            rendered = _audio_production(plan, muxer, heartbeat)
        else:
            rendered = _film(plan, encoding, muxer, heartbeat)
        muxer.finish()
    except BaseException:
        muxer.abandon()
        out.unlink(missing_ok=True)
        raise
    progress(1.0)
    return rendered


def _film(plan: Plan, encoding: Encoding, muxer: Muxer, heartbeat: Heartbeat) -> Rendered:
    fps = encoding.fps
    total_frames = round(plan.seconds * fps)
    total_samples = round(total_frames * SAMPLE_RATE / fps)
    with closing(mixed_blocks(plan.tracks, total_samples)) as sound:
        starts = 0.0
        for shot in plan.shots:
            first, last = round(starts * fps), round((starts + shot.seconds) * fps)
            starts += shot.seconds
            if last <= first:
                continue  # shorter than a frame: it shows nowhere
            for frame in _shot_frames(shot, last - first, encoding):
                muxer.write_frame(frame)
                # Sound up to the end of this frame, in whole blocks.
                due = math.ceil(muxer.frames * SAMPLE_RATE / fps)
                while muxer.samples < min(due, total_samples):
                    muxer.write_sound(next(sound))
                heartbeat.beat(muxer.frames / fps)
        for block in sound:
            muxer.write_sound(block)
    return Rendered(
        seconds=total_frames / fps,
        width=encoding.width,
        height=encoding.height,
        kind="video",
        mime="video/mp4",
    )


def _shot_frames(shot: Shot, count: int, encoding: Encoding) -> Iterator[VideoFrame]:
    """`count` frames of one shot, each to be encoded before the next is asked for."""
    if isinstance(shot, VideoClip):
        yield from clip_frames(shot, count, encoding)
    elif isinstance(shot, Still):
        frame = still_frame(shot, encoding)
        for _ in range(count):
            yield frame
    elif isinstance(shot, TitleCard):
        yield from title_frames(shot, count, encoding)
    elif isinstance(shot, CreditCard):
        yield from credit_frames(shot, count, encoding)
    else:
        raise TypeError(f"Not a shot: {shot!r}")


def _audio_production(plan: Plan, muxer: Muxer, heartbeat: Heartbeat) -> Rendered:
    total = round(plan.seconds * SAMPLE_RATE)
    with closing(mixed_blocks(plan.tracks, total)) as sound:
        for block in sound:
            muxer.write_sound(block)
            heartbeat.beat(muxer.samples / SAMPLE_RATE)
    return Rendered(seconds=total / SAMPLE_RATE, width=0, height=0, kind="audio", mime="audio/mp4")
