"""The film's music and the reading's room sound, synthesised note by note.

Why wavetables: one cycle of each timbre (a sum of harmonics) is computed once, and a
note is then one table lookup per sample times a cached envelope, done in list
comprehensions. Eight seconds of the four-voice score take a fraction of a second in
pure Python, no numpy needed.

The piece is a little minuet in F (3/4 at 120 beats a minute), prim and proper like its
hero: four bars of F, D minor, G minor and C7, looped for as long as asked. The score is
the composer's mock-up (a soft pad, a bass and the tune on a music box); each part (piano
oom-pah-pah, the tune on the violin, a counter-line on the clarinet) keeps the same bars,
so it can be laid over the score and lines up.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from .encoding import RATE, m4a
from .traits import seeded

INSTRUMENTS = ("piano", "violin", "clarinet")
BEAT = 0.5
BAR = 3 * BEAT
CHORDS = ((53, 57, 60), (50, 53, 57), (55, 58, 62), (48, 52, 55, 58))  # MIDI notes
Line = tuple[tuple[float, float, int], ...]  # (beat, beats, MIDI note) in a bar
Note = tuple[float, float, int]  # (start, length) in seconds, MIDI note
# The tune, eight bars over the chords twice, and the clarinet's line, four bars.
TUNE: tuple[Line, ...] = (
    ((0, 2, 69), (2, 1, 72)),
    ((0, 1.5, 74), (1.5, 0.5, 72), (2, 1, 69)),
    ((0, 1, 70), (1, 1, 74), (2, 1, 67)),
    ((0, 1, 72), (1, 1, 70), (2, 1, 64)),
    ((0, 1, 77), (1, 1, 76), (2, 1, 72)),
    ((0, 2, 74), (2, 1, 77)),
    ((0, 1, 79), (1, 1, 74), (2, 1, 70)),
    ((0, 2, 72), (2, 1, 67)),
)
COUNTER: tuple[Line, ...] = (
    ((0, 3, 60),),
    ((0, 2, 62), (2, 1, 65)),
    ((0, 2, 62), (2, 1, 58)),
    ((0, 1, 60), (1, 1, 64), (2, 1, 58)),
)
_TABLE = 4096  # a power of two, so wrapping the phase is a bit mask
_VIBRATO_HZ = 5.5


@dataclass(frozen=True)
class Timbre:
    harmonics: tuple[float, ...]  # amplitude of each harmonic, the fundamental first
    attack: float  # seconds to full level
    decay: float  # seconds for the level to fall to 1/e; 0 holds it
    release: float  # seconds to fade out after the note ends
    level: float
    vibrato: float = 0.0  # depth, as a fraction of the pitch


_TIMBRES = {
    "pad": Timbre((1, 0.25, 0.08), attack=0.25, decay=0, release=0.4, level=0.22),
    "bass": Timbre((1, 0.4, 0.15, 0.05), attack=0.01, decay=1.5, release=0.1, level=0.6),
    # The fundamental and two high even harmonics: a bell-like ping that dies away.
    "box": Timbre(
        (1, 0, 0, 0.35, 0, 0, 0, 0.12), attack=0.002, decay=0.35, release=0.05, level=0.5
    ),
    "piano": Timbre(
        (1, 0.55, 0.3, 0.18, 0.1, 0.06, 0.03), attack=0.004, decay=0.5, release=0.08, level=0.35
    ),
    # All harmonics falling slowly (a sawtooth's recipe), a slow bow and a vibrato.
    "violin": Timbre(
        (1, 0.7, 0.5, 0.38, 0.28, 0.2, 0.14, 0.1, 0.07),
        attack=0.09,
        decay=0,
        release=0.12,
        level=0.8,
        vibrato=0.006,
    ),
    # Mostly odd harmonics: the hollow sound of a closed pipe.
    "clarinet": Timbre(
        (1, 0.05, 0.45, 0.04, 0.25, 0.03, 0.12, 0.02, 0.06),
        attack=0.05,
        decay=0,
        release=0.08,
        level=0.8,
    ),
    "voice": Timbre(
        (1, 0.9, 0.7, 0.5, 0.35, 0.25, 0.15, 0.1), attack=0.03, decay=0, release=0.05, level=1.0
    ),
}


def score(seconds: float = 8.0) -> bytes:
    """The composer's score as an M4A (AAC): pad, bass and the tune on a music box."""
    mix = _silence(seconds)
    for voice in ("pad", "bass", "box"):
        _play(mix, voice, _notes(voice, seconds))
    return m4a(_samples(mix, peak=0.8))


def part(instrument: str, seconds: float = 8.0) -> bytes:
    """One instrument's part as an M4A (AAC), in time with the score."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"No part for {instrument!r}; choose from {', '.join(INSTRUMENTS)}.")
    mix = _silence(seconds)
    _play(mix, instrument, _notes(instrument, seconds))
    return m4a(_samples(mix, peak=0.8))


def room_sound(seed: int, seconds: float) -> array:
    """A phone's view of a reading: room hiss and a muffled voice, in phrases."""
    rng = seeded(f"room {seed}")
    mix = _silence(seconds)
    pitch = rng.uniform(45, 58)  # the reader's voice, low or high
    notes: list[Note] = []
    start = rng.uniform(0.05, 0.4)
    while start < seconds:
        for _ in range(rng.randint(3, 7)):
            length = rng.uniform(0.08, 0.28)
            notes.append((start, length, round(pitch + rng.uniform(-3, 4))))
            start += length + rng.uniform(0.02, 0.08)
        start += rng.uniform(0.25, 0.6)  # a breath between phrases
    _play(mix, "voice", notes)
    voice = rng.uniform(0.15, 0.5)  # how loud the reader is from this seat
    muffle = rng.uniform(0.05, 0.15)  # how dull the phone's microphone: a one-pole low-pass
    noise = rng.random
    hiss = level = 0.0
    heard = []
    for value in mix:
        hiss += 0.1 * (noise() - 0.5 - hiss)
        level += muffle * (value * voice + hiss * 0.6 - level)
        heard.append(level)
    return _samples(heard, peak=0.5)


def _silence(seconds: float) -> list[float]:
    if seconds <= 0:
        raise ValueError("A sound lasts more than zero seconds.")
    return [0.0] * round(seconds * RATE)


def _notes(voice: str, seconds: float) -> Iterator[Note]:
    """(start, length, MIDI note) for `voice`, bar after bar until `seconds`."""
    for bar in range(math.ceil(seconds / BAR)):
        start = bar * BAR
        chord = CHORDS[bar % len(CHORDS)]
        if voice == "pad":
            yield from ((start, BAR, note) for note in chord)
        elif voice == "bass":
            yield (start, BAR * 0.9, chord[0] - 12)
        elif voice == "piano":
            yield (start, BEAT, chord[0] - 12)
            for beat in (1, 2):
                yield from ((start + beat * BEAT, BEAT * 0.7, note) for note in chord)
        else:
            line = COUNTER[bar % len(COUNTER)] if voice == "clarinet" else TUNE[bar % len(TUNE)]
            octave = 12 if voice == "box" else 0
            for at, beats, note in line:
                yield (start + at * BEAT, beats * BEAT, note + octave)


def _play(mix: list[float], voice: str, notes: Iterable[Note]) -> None:
    """Add each note to `mix`: table lookups at the note's pitch, times its envelope."""
    timbre = _TIMBRES[voice]
    table = _wavetable(timbre.harmonics)
    mask = _TABLE - 1
    for start, length, note in notes:
        first = round(start * RATE)
        held = round(length * RATE)
        total = min(held + round(timbre.release * RATE), len(mix) - first)
        if total <= 0:
            continue
        step = 440 * 2 ** ((note - 69) / 12) * _TABLE / RATE
        envelope = _envelope(timbre, held)
        if timbre.vibrato:
            phases = _vibrato(timbre.vibrato, len(envelope))
            wave = [table[int(step * p) & mask] * e for p, e in zip(phases, envelope, strict=False)]
        else:
            wave = [table[int(step * i) & mask] * e for i, e in enumerate(envelope)]
        end = first + total
        mix[first:end] = [a + b for a, b in zip(mix[first:end], wave, strict=False)]


@cache
def _wavetable(harmonics: tuple[float, ...]) -> list[float]:
    """One cycle of the harmonics' sum, scaled to a peak of 1."""
    cycle = [
        sum(
            amp * math.sin(2 * math.pi * (n + 1) * i / _TABLE)
            for n, amp in enumerate(harmonics)
            if amp
        )
        for i in range(_TABLE)
    ]
    peak = max(abs(v) for v in cycle)
    return [v / peak for v in cycle]


@cache
def _envelope(timbre: Timbre, held: int) -> list[float]:
    """Attack ramp, exponential decay (if any), then a linear release after `held`."""
    attack = max(1, round(timbre.attack * RATE))
    decay = timbre.decay * RATE
    release = max(1, round(timbre.release * RATE))
    return [
        timbre.level
        * min(1.0, i / attack)
        * (math.exp(-i / decay) if decay else 1.0)
        * (1.0 if i < held else max(0.0, 1 - (i - held) / release))
        for i in range(held + release)
    ]


@cache
def _vibrato(depth: float, count: int) -> list[float]:
    """Phase (in samples at the note's pitch) under a sine vibrato: the integral of
    1 + depth·sin(2πft), which is t + depth·(1 - cos 2πft) / 2πf."""
    omega = 2 * math.pi * _VIBRATO_HZ / RATE
    return [i + depth * (1 - math.cos(omega * i)) / omega for i in range(count)]


def _samples(mix: list[float], peak: float) -> array:
    """Scaled to `peak` of full scale, with a short fade at both ends against clicks."""
    loudest = max((abs(v) for v in mix), default=0.0) or 1.0
    scale = peak * 32767 / loudest
    fade_in, fade_out = min(len(mix), RATE // 50), min(len(mix), RATE // 4)
    for index in range(fade_in):
        mix[index] *= index / fade_in
    for index in range(fade_out):
        mix[-1 - index] *= index / fade_out
    return array("h", [int(v * scale) for v in mix])
