"""Whether a leader may use each record a timeline names, and how long each one is.

Asked when a revision is saved (so the editor says at once what cannot go in) and again
when a render starts and when the worker takes it (a source removed or made private
after it was placed is refused then, by name). The rules are citing's own: what the
production may not cite, it may not show either.

Refused, each with the item's name and the record's title:
- a record that does not exist or that the leader cannot see (one answer for both);
- one removed by moderators or deleted; a draft, or one hidden by moderators;
- one whose owner blocks the leader, or whom the leader blocks;
- the wrong kind (a clip is a video, a still a picture, a sound is audio or a video
  with sound); one not processed yet, or whose processing failed;
- in and out outside the media;
- one whose licence, across its ancestry, forbids use in this production (the same
  reasons, in the same words, as citing it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ensemble.accounts import blocks
from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.lineage import licences
from ensemble.lineage import services as lineage
from ensemble.records.models import Record, Version
from ensemble.timelines.document import record_ids

# A decoder's idea of a file's length and the container's can differ by a frame or two.
LENGTH_SLACK = 0.05
_KINDS = {"clip": ("video",), "still": ("image",), "sound": ("audio", "video")}
_KIND_WORDS = {
    "clip": "a clip is a video",
    "still": "a still is a picture",
    "sound": "a sound is audio, or a video with sound",
}


@dataclass(frozen=True)
class Placed:
    """An item that names a record: its place in the document and what it is."""

    name: str  # "video 3", "audio 1.2"
    role: str  # "clip", "still", "sound"
    item: dict[str, Any]


def placed(document: dict[str, Any]) -> Iterator[Placed]:
    for n, item in enumerate(document["video"], 1):
        if item["type"] in ("clip", "still"):
            yield Placed(f"video {n}", item["type"], item)
    for t, track in enumerate(document["audio"], 1):
        for n, sound in enumerate(track, 1):
            yield Placed(f"audio {t}.{n}", "sound", sound)


def usable(
    document: dict[str, Any], *, by: User, licence: str, owner_id: int, production_id: int | None
) -> dict[int, Record]:
    """The records the document names, each checked for this use (see the module's
    docstring), with their current version; `Refused` naming the first that is not."""
    records = {
        r.pk: r
        for r in Record.objects.filter(pk__in=record_ids(document)).select_related(
            "owner", "current_version"
        )
    }
    blocked = blocks.either_way(by)
    licensed: dict[int, str | None] = {}  # record → why its licence forbids it, or None
    for place in placed(document):
        record = records.get(place.item["record"])
        if record is None or (not record.is_public and not record.is_deleted):
            # A draft the leader may see is named as one; others' are not to be known of.
            if record is not None and record.owner_id == by.pk:
                raise _refused(place, record, "is a draft: publish it first", "draft")
            raise Refused(
                f"{place.name}: there is no record {place.item['record']}.",
                status=404,
                code="not_found",
            )
        if record.is_deleted:
            raise _refused(place, record, "was removed: take it out of the timeline", "gone")
        if record.pk == production_id:
            raise _refused(place, record, "is this production itself", "self_source")
        if record.owner_id in blocked:
            raise _refused(
                place,
                record,
                "cannot be used: there is a block between you and its owner",
                "blocked",
                status=403,
            )
        _check_media(place, record)
        if record.pk not in licensed:
            found = licences.conflicts(
                lineage.ancestry_for_licence(record), licence=licence, owner_id=owner_id
            )
            licensed[record.pk] = found[0].message if found else None
        why = licensed[record.pk]
        if why is not None:
            raise Refused(f"{place.name}: {why}", status=409, code="licence_conflict")
    return records


def _check_media(place: Placed, record: Record) -> None:
    if record.kind not in _KINDS[place.role]:
        raise _refused(
            place, record, f"is {_a(record.kind)}, and {_KIND_WORDS[place.role]}", "wrong_kind"
        )
    version: Version | None = record.current_version
    if version is None or not version.is_ready:
        raise _refused(place, record, "is not processed yet: wait until it is ready", "not_ready")
    if place.role == "sound" and record.kind == "video" and not version.metadata.get("audio_codec"):
        raise _refused(place, record, "is a video without sound", "no_sound")
    if place.role == "still":
        return
    duration = version.duration
    out = place.item["out"]
    if duration is not None and out > duration + LENGTH_SLACK:
        raise _refused(
            place,
            record,
            f"lasts {duration:g} s, so out ({out:g} s) is past its end",
            "out_of_range",
        )


def _a(kind: str) -> str:
    return {"image": "a picture", "audio": "audio", "video": "a video", "text": "a text"}.get(
        kind, "a file"
    )


def _refused(place: Placed, record: Record, why: str, code: str, *, status: int = 422) -> Refused:
    return Refused(f"{place.name}: “{record.title}” {why}.", status=status, code=code)
