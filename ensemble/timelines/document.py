"""A timeline's document: the JSON a leader's editor (or an API client) saves, checked
for shape and bounds before anything else looks at it.

    {
      "output": {"width": 1280, "height": 720, "fps": 25},
      "video": [
        {"type": "title", "title": "…", "subtitle": "…", "seconds": 3},
        {"type": "clip", "record": 12, "in": 4.0, "out": 9.5, "fit": "fit"},
        {"type": "still", "record": 13, "seconds": 3, "fit": "fill"},
        {"type": "credits", "seconds": 20, "style": "scroll"}
      ],
      "audio": [
        [{"record": 5, "in": 0, "out": 30, "at": 0, "gain_db": -3,
          "fade_in": 0.5, "fade_out": 2}]
      ]
    }

`video` plays one item after another; each list in `audio` is a track of sounds placed
at `at` seconds of the production. Times are seconds. What the records are (their
kind, their length, whether the leader may use them) is `checks`' business: here only
what the document alone can say. `parse` returns the document in its one normal form
(every field present, numbers as floats), which is what revisions keep and compare.
"""

from __future__ import annotations

import math
from typing import Any

from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.timelines.plan import FITS

MAX_ITEMS = 1000  # video items and sounds together
MAX_TRACKS = 8
MAX_SECONDS = 3 * 60 * 60  # a production's length
MAX_WIDTH, MAX_HEIGHT = 1920, 1080  # "up to 1080p", either way round
MIN_SIDE = 64
MAX_FPS = 60
MAX_STILL_SECONDS = 600.0
MIN_SECONDS = 0.1  # shorter than this no one sees or hears it
GAIN_RANGE = (-60.0, 12.0)
CREDIT_STYLES = ("scroll", "pages")
DEFAULT_OUTPUT = {"width": 1280, "height": 720, "fps": 25}


def empty() -> dict[str, Any]:
    return {"output": dict(DEFAULT_OUTPUT), "video": [], "audio": []}


def parse(raw: Any) -> dict[str, Any]:
    """The document in normal form, or `Refused` naming the first thing wrong in it."""
    if not isinstance(raw, dict):
        raise Refused("A timeline is a JSON object with output, video and audio.")
    unknown = set(raw) - {"output", "video", "audio"}
    if unknown:
        raise Refused(f"Unknown part of a timeline: {', '.join(sorted(unknown))}.")
    video = raw.get("video", [])
    audio = raw.get("audio", [])
    if not isinstance(video, list) or not isinstance(audio, list):
        raise Refused("video is a list of items and audio a list of tracks.")
    if len(audio) > MAX_TRACKS:
        raise Refused(f"A timeline has at most {MAX_TRACKS} audio tracks, not {len(audio)}.")
    if not all(isinstance(track, list) for track in audio):
        raise Refused("Each audio track is a list of sounds.")
    count = len(video) + sum(len(track) for track in audio)
    if count > MAX_ITEMS:
        raise Refused(
            f"A timeline can hold at most {MAX_ITEMS:,} clips, stills, cards and sounds; "
            f"this one has {count:,}.",
            code="too_many_items",
        )
    parsed = {
        "output": _output(raw.get("output", DEFAULT_OUTPUT)),
        "video": [_video_item(item, f"video {n}") for n, item in enumerate(video, 1)],
        "audio": [
            [_sound(item, f"audio {t}.{n}") for n, item in enumerate(track, 1)]
            for t, track in enumerate(audio, 1)
        ],
    }
    seconds = length(parsed)
    if seconds > MAX_SECONDS:
        raise Refused(
            f"A production can last at most {MAX_SECONDS // 3600} hours; this one lasts "
            f"{seconds / 3600:.1f}.",
            code="too_long",
        )
    return parsed


def length(document: dict[str, Any]) -> float:
    """The production's length: its pictures', or with none, to its last sound's end."""
    if document["video"]:
        return sum(item_seconds(item) for item in document["video"])
    ends = [s["at"] + s["out"] - s["in"] for track in document["audio"] for s in track]
    return max(ends, default=0.0)


def item_seconds(item: dict[str, Any]) -> float:
    if item["type"] == "clip":
        return float(item["out"] - item["in"])
    return float(item["seconds"])


def record_ids(document: dict[str, Any]) -> set[int]:
    ids = {item["record"] for item in document["video"] if "record" in item}
    return ids | {sound["record"] for track in document["audio"] for sound in track}


def _fields(raw: Any, name: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Refused(f"{name}: each item is a JSON object.")
    unknown = set(raw) - allowed
    if unknown:
        raise Refused(f"{name}: unknown field {', '.join(sorted(unknown))}.")
    return raw


def _output(raw: Any) -> dict[str, int]:
    given = _fields(raw, "output", {"width", "height", "fps"})
    width = _integer(given.get("width", DEFAULT_OUTPUT["width"]), "output: width")
    height = _integer(given.get("height", DEFAULT_OUTPUT["height"]), "output: height")
    fps = _integer(given.get("fps", DEFAULT_OUTPUT["fps"]), "output: fps")
    if width % 2 or height % 2:
        raise Refused("output: width and height must be even numbers (H.264 needs them).")
    if (
        min(width, height) < MIN_SIDE
        or max(width, height) > MAX_WIDTH
        or min(width, height) > MAX_HEIGHT
    ):
        raise Refused(
            f"output: the size can be at most {MAX_WIDTH}×{MAX_HEIGHT} (1080p, either way "
            f"round) and at least {MIN_SIDE} pixels a side, not {width}×{height}."
        )
    if not 1 <= fps <= MAX_FPS:
        raise Refused(f"output: fps is between 1 and {MAX_FPS}, not {fps}.")
    return {"width": width, "height": height, "fps": fps}


def _video_item(raw: Any, name: str) -> dict[str, Any]:
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind == "clip":
        given = _fields(raw, name, {"type", "record", "in", "out", "fit"})
        start, end = _range(given, name)
        return {
            "type": "clip",
            "record": _record(given, name),
            "in": start,
            "out": end,
            "fit": _fit(given, name),
        }
    if kind == "still":
        given = _fields(raw, name, {"type", "record", "seconds", "fit"})
        return {
            "type": "still",
            "record": _record(given, name),
            "seconds": _seconds(given, name, MAX_STILL_SECONDS),
            "fit": _fit(given, name),
        }
    if kind == "title":
        given = _fields(raw, name, {"type", "title", "subtitle", "seconds"})
        return {
            "type": "title",
            "title": _text(given, "title", name, 200, required=True),
            "subtitle": _text(given, "subtitle", name, 300),
            "seconds": _seconds(given, name, 60.0),
        }
    if kind == "credits":
        given = _fields(raw, name, {"type", "seconds", "style"})
        style = given.get("style", "scroll")
        if style not in CREDIT_STYLES:
            raise Refused(f"{name}: the credits either scroll or come in pages, not {style!r}.")
        return {"type": "credits", "seconds": _seconds(given, name, 600.0), "style": style}
    raise Refused(f"{name}: the type is clip, still, title or credits.")


def _sound(raw: Any, name: str) -> dict[str, Any]:
    given = _fields(raw, name, {"record", "in", "out", "at", "gain_db", "fade_in", "fade_out"})
    start, end = _range(given, name)
    at = _number(given.get("at", 0.0), f"{name}: at")
    if not 0 <= at <= MAX_SECONDS:
        raise Refused(f"{name}: a sound is placed between 0 and {MAX_SECONDS} seconds.")
    gain = _number(given.get("gain_db", 0.0), f"{name}: gain")
    if not GAIN_RANGE[0] <= gain <= GAIN_RANGE[1]:
        raise Refused(f"{name}: the gain is between {GAIN_RANGE[0]:g} and +{GAIN_RANGE[1]:g} dB.")
    fade_in = _number(given.get("fade_in", 0.0), f"{name}: fade in")
    fade_out = _number(given.get("fade_out", 0.0), f"{name}: fade out")
    if fade_in < 0 or fade_out < 0 or fade_in + fade_out > end - start + 1e-9:
        raise Refused(f"{name}: the fades cannot be negative or longer than the sound together.")
    return {
        "record": _record(given, name),
        "in": start,
        "out": end,
        "at": at,
        "gain_db": gain,
        "fade_in": fade_in,
        "fade_out": fade_out,
    }


def _record(given: dict[str, Any], name: str) -> int:
    value = given.get("record")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Refused(f"{name}: record is the number of a record.")
    return value


def _range(given: dict[str, Any], name: str) -> tuple[float, float]:
    if "in" not in given or "out" not in given:
        raise Refused(f"{name}: give in and out, in seconds of the source.")
    start = _number(given["in"], f"{name}: in")
    end = _number(given["out"], f"{name}: out")
    if start < 0:
        raise Refused(f"{name}: in cannot be negative.")
    if end - start < MIN_SECONDS:
        raise Refused(
            f"{name}: out ({end:g} s) must come at least {MIN_SECONDS:g} s after in ({start:g} s)."
        )
    if end > MAX_SECONDS:
        raise Refused(f"{name}: out is past {MAX_SECONDS // 3600} hours.")
    return start, end


def _seconds(given: dict[str, Any], name: str, most: float) -> float:
    value = _number(given.get("seconds"), f"{name}: seconds")
    if not MIN_SECONDS <= value <= most:
        raise Refused(f"{name}: it lasts between {MIN_SECONDS:g} and {most:g} seconds.")
    return value


def _fit(given: dict[str, Any], name: str) -> str:
    fit = given.get("fit", "fit")
    if fit not in FITS:
        raise Refused(f"{name}: fit is one of {', '.join(FITS)}.")
    return str(fit)


def _text(given: dict[str, Any], key: str, name: str, most: int, *, required: bool = False) -> str:
    value = given.get(key, "")
    if not isinstance(value, str):
        raise Refused(f"{name}: the {key} is text.")
    value = value.strip()
    if required and not value:
        raise Refused(f"{name}: a title card needs a title.")
    if len(value) > most:
        raise Refused(f"{name}: the {key} can be at most {most} characters.")
    return checked_text(value, field=key, label=key)


def _number(value: Any, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Refused(f"{label} must be a number.")
    return round(float(value), 3)


def _integer(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"{label} must be a whole number.")
    return value
