"""The editor's forms: starting a timeline, and reading the editor's one big form back
into a timeline document.

The editor posts the whole document every time. Each video item and each sound carries
a key (its position when the page was drawn) in a hidden field whose order is the
item's order: `video` lists the video items' keys, `track` the tracks' keys and `t<key>`
each track's sounds' keys; an item's fields are named after its key (`v3-in`,
`a1.2-gain_db`). Dragging items about (editor.js) only moves those hidden fields along,
so the order posted is the order shown. The buttons without JavaScript (move up, move
down, remove, add) are `action` values, applied here to the document before it is
saved: every one of them is a save, so a revision.

Numbers are read leniently ("1,5" is 1.5); what is not a number is passed on as it was
typed, for `document.parse` to refuse by the item's name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from ensemble.core.params import whole
from ensemble.core.refusals import Refused
from ensemble.records import access
from ensemble.records.models import Licence, Record
from ensemble.timelines import document

STILL_SECONDS = 3.0  # a picture added from the picker
UNKNOWN_LENGTH = 5.0  # a clip or sound whose media says nothing of its length


class TimelineForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="The production's title.")
    licence = forms.ChoiceField(
        choices=Licence.choices,
        initial=Licence.ACCORD,
        help_text="The production's licence: every clip placed in it is checked against it.",
    )


@dataclass
class Edit:
    """The document as the editor posted it, items still under their keys."""

    output: dict[str, Any]
    video: list[tuple[str, dict[str, Any]]]
    audio: list[list[tuple[str, dict[str, Any]]]]
    based_on: int | None
    note: str
    done: str = ""  # what the action did, for the revision's note when none is given
    focus: str = ""  # the anchor of the item the action moved or added
    problem_at: str = field(default="")  # where a refused action's message goes

    def document(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "video": [item for _, item in self.video],
            "audio": [[sound for _, sound in track] for track in self.audio],
        }


def read(post: QueryDict) -> Edit:
    def number(name: str, default: Any = None) -> Any:
        raw = post.get(name)
        if raw is None or not raw.strip():
            return default if default is not None else (raw or "")
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            return raw
        return value if math.isfinite(value) else raw

    def integer(name: str) -> Any:
        raw = post.get(name, "")
        value = whole(raw.strip())
        return value if value is not None else raw

    video = []
    for key in post.getlist("video")[: document.MAX_ITEMS]:
        p = f"v{key}-"
        kind = post.get(p + "type", "")
        item: dict[str, Any] = {"type": kind}
        if kind == "clip":
            item |= {
                "record": integer(p + "record"),
                "in": number(p + "in"),
                "out": number(p + "out"),
                "fit": post.get(p + "fit", "fit"),
            }
        elif kind == "still":
            item |= {
                "record": integer(p + "record"),
                "seconds": number(p + "seconds"),
                "fit": post.get(p + "fit", "fit"),
            }
        elif kind == "title":
            item |= {
                "title": post.get(p + "title", ""),
                "subtitle": post.get(p + "subtitle", ""),
                "seconds": number(p + "seconds"),
            }
        elif kind == "credits":
            item |= {"seconds": number(p + "seconds"), "style": post.get(p + "style", "scroll")}
        video.append((key, item))
    audio = []
    for track in post.getlist("track")[: document.MAX_TRACKS + 1]:
        sounds = []
        for key in post.getlist(f"t{track}")[: document.MAX_ITEMS]:
            p = f"a{key}-"
            sounds.append(
                (
                    key,
                    {
                        "record": integer(p + "record"),
                        "in": number(p + "in"),
                        "out": number(p + "out"),
                        "at": number(p + "at", 0.0),
                        "gain_db": number(p + "gain_db", 0.0),
                        "fade_in": number(p + "fade_in", 0.0),
                        "fade_out": number(p + "fade_out", 0.0),
                    },
                )
            )
        audio.append(sounds)
    return Edit(
        output={"width": integer("width"), "height": integer("height"), "fps": integer("fps")},
        video=video,
        audio=audio,
        based_on=whole(post.get("based_on", "")),
        note=post.get("note", ""),
    )


def apply(edit: Edit, action: str, post: QueryDict, *, viewer: Any) -> None:
    """Carry out the button pressed (`action`) on the posted document; `Refused` (with
    `edit.problem_at` set) for a record that cannot be added."""
    verb, _, target = action.partition(":")
    if verb in ("up", "down", "remove") and target[:1] in ("v", "a"):
        _move(edit, verb, target[0], target[1:])
    elif verb == "add" and target:
        number = whole(target)
        found = (
            Record.objects.filter(pk=number).select_related("current_version").first()
            if number
            else None
        )
        _add(edit, found, viewer=viewer, where="picker")
    elif verb == "add-ref":
        raw = post.get("ref", "").strip()
        if not raw:
            edit.problem_at = "ref"
            raise Refused("Give a record's number or address.", field="ref")
        _add(edit, Record.objects.referenced(raw), viewer=viewer, where="ref")
    elif verb == "add-title":
        _insert_video(edit, {"type": "title", "title": "Title", "subtitle": "", "seconds": 3.0})
        edit.done = "Added a title card"
    elif verb == "add-credits":
        _insert_video(
            edit, {"type": "credits", "seconds": 10.0, "style": "scroll"}, before_credits=False
        )
        edit.done = "Added the credits"
    elif verb == "add-track":
        edit.audio.append([])
        edit.done = f"Added audio track {len(edit.audio)}"
        edit.focus = f"track-{len(edit.audio)}"
    elif verb == "remove-track":
        n = whole(target)
        if n and 1 <= n <= len(edit.audio):
            del edit.audio[n - 1]
            edit.done = f"Removed audio track {n}"


def _move(edit: Edit, verb: str, part: str, key: str) -> None:
    if part == "v":
        items, name = edit.video, "video"
        prefix = "item-v"
    else:
        found = [track for track in edit.audio if any(k == key for k, _ in track)]
        if not found:
            return
        items = found[0]
        t = edit.audio.index(items) + 1
        name, prefix = f"audio {t}.", f"item-a{t}."
    keys = [k for k, _ in items]
    if key not in keys:
        return
    n = keys.index(key)
    label = f"{name} {n + 1}" if part == "v" else f"{name}{n + 1}"
    if verb == "remove":
        del items[n]
        edit.done = f"Removed {label}"
        return
    to = n - 1 if verb == "up" else n + 1
    if not 0 <= to < len(items):
        return
    items.insert(to, items.pop(n))
    edit.done = f"Moved {label} {verb}"
    edit.focus = f"{prefix}{to + 1}"


def _add(edit: Edit, record: Record | None, *, viewer: Any, where: str) -> None:
    if record is None or not access.can_view(viewer, record):
        edit.problem_at = where
        raise Refused("There is no record with that number or address.", field=where)
    version = record.current_version
    length = version.duration if version is not None else None
    out = round(length, 3) if length else UNKNOWN_LENGTH
    if record.kind == Record.Kind.VIDEO:
        _insert_video(
            edit, {"type": "clip", "record": record.pk, "in": 0.0, "out": out, "fit": "fit"}
        )
    elif record.kind == Record.Kind.IMAGE:
        _insert_video(
            edit, {"type": "still", "record": record.pk, "seconds": STILL_SECONDS, "fit": "fit"}
        )
    elif record.kind == Record.Kind.AUDIO:
        if not edit.audio:
            edit.audio.append([])
        track = edit.audio[0]
        end = 0.0
        for _, sound in track:  # the end of the track's last sound, so far as it is known
            try:
                end = max(end, float(sound["at"]) + float(sound["out"]) - float(sound["in"]))
            except (TypeError, ValueError):
                continue
        track.append(
            (
                f"new{len(track)}",
                {
                    "record": record.pk,
                    "in": 0.0,
                    "out": out,
                    "at": round(end, 3),
                    "gain_db": 0.0,
                    "fade_in": 0.0,
                    "fade_out": 0.0,
                },
            )
        )
        edit.focus = f"item-a1.{len(track)}"
    else:
        edit.problem_at = where
        raise Refused(
            f"“{record.title}” is a {record.get_kind_display().lower()}: a timeline takes "
            "videos, pictures and sound.",
            field=where,
        )
    edit.done = f"Added “{record.title}”"


def _insert_video(edit: Edit, item: dict[str, Any], *, before_credits: bool = True) -> None:
    """At the end, but before the closing credits when the cut ends with them."""
    at = len(edit.video)
    while before_credits and at and edit.video[at - 1][1].get("type") == "credits":
        at -= 1
    edit.video.insert(at, (f"new{at}", item))
    edit.focus = f"item-v{at + 1}"
