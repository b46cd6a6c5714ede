"""Editing a production's timeline: making one, saving revisions, restoring and comparing
them, and asking for renders. Views, the API and commands all come through here.

Only a project's leaders edit its timelines, see them and their renders. Saves are
checked twice: the document's shape (`document.parse`) and every record it names
(`checks.usable`). Two leaders saving at once cannot overwrite each other: a save says
which revision it was made from (`based_on`), and one made from an older revision than
the newest is refused (409) with the newest's number, so nothing is lost unseen.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.projects.models import Project
from ensemble.projects.services import is_leader, require_leader
from ensemble.records import services as records
from ensemble.timelines import checks, document
from ensemble.timelines.models import Render, Revision, Timeline


def create(project: Project, *, by: User, title: str, licence: str | None = None) -> Timeline:
    """A new timeline for the project, its first revision a title card and the credits:
    enough to render at once, and the usual bookends of a production."""
    require_leader(by, project, what="edit productions")
    title = _clean_title(title)
    licence = records.clean_licence(licence)
    first = document.empty()
    first["video"] = [
        {
            "type": "title",
            "title": title,
            "subtitle": f"from “{project.title}”"[:300],
            "seconds": 3.0,
        },
        {"type": "credits", "seconds": 10.0, "style": "scroll"},
    ]
    with transaction.atomic():
        timeline = Timeline.objects.create(
            project=project, title=title, licence=licence, created_by=by
        )
        _add_revision(timeline, document.parse(first), by=by, note="Started")
    return timeline


def cut_of(record: Any, user: Any) -> Timeline | None:
    """The timeline a production's record was rendered from, if `user` may edit it: the
    "Edit the cut" link of the record page's owner tools."""
    if record.kind not in ("video", "audio"):
        return None
    timeline = Timeline.objects.filter(production__record=record).select_related("project").first()
    return timeline if timeline is not None and is_leader(user, timeline.project) else None


def require_editor(user: Any, timeline: Timeline) -> None:
    require_leader(user, timeline.project, what="edit the project's productions")


def save(
    timeline: Timeline, raw: Any, *, by: User, based_on: int | None, note: str = ""
) -> Revision:
    """Save `raw` as the timeline's next revision, if it is a timeline whose records the
    leader may all use, and no one saved another revision since `based_on`."""
    require_editor(by, timeline)
    parsed = document.parse(raw)
    note = checked_text((note or "").strip(), field="note", label="note")
    if len(note) > 200:
        raise Refused("The note can be at most 200 characters.", field="note")
    check_records(timeline, parsed, by=by)
    with transaction.atomic():
        locked = Timeline.objects.select_for_update().get(pk=timeline.pk)
        if based_on is not None and based_on != locked.revision_count:
            raise Refused(
                f"Revision {locked.revision_count} was saved meanwhile (you edited "
                f"revision {based_on}): reload it and make your change again.",
                status=409,
                code="stale_revision",
            )
        revision = _add_revision(locked, parsed, by=by, note=note)
    timeline.revision_count = revision.number
    return revision


def restore(timeline: Timeline, number: int, *, by: User) -> Revision:
    """Save an old revision again, as the newest: history only grows."""
    require_editor(by, timeline)
    old = revision_of(timeline, number)
    check_records(timeline, old.document, by=by)
    with transaction.atomic():
        locked = Timeline.objects.select_for_update().get(pk=timeline.pk)
        revision = _add_revision(
            locked, old.document, by=by, note=f"Restored revision {number}", restored_from=number
        )
    timeline.revision_count = revision.number
    return revision


def revision_of(timeline: Timeline, number: int | None = None) -> Revision:
    """The revision with this number, or the newest."""
    wanted = number if number is not None else timeline.revision_count
    try:
        return timeline.revisions.get(number=wanted)
    except Revision.DoesNotExist:
        raise Refused(
            f"This timeline has no revision {wanted}.", status=404, code="not_found"
        ) from None


def compare(older: Revision, newer: Revision) -> list[str]:
    """What changed from one revision to the other, a line per change, in words."""
    a, b = older.document, newer.document
    lines: list[str] = []
    if a["output"] != b["output"]:
        lines.append(f"Output: {_output(a['output'])} → {_output(b['output'])}")
    lines += _changes("Video ", a["video"], b["video"])
    tracks = max(len(a["audio"]), len(b["audio"]))
    for t in range(tracks):
        old = a["audio"][t] if t < len(a["audio"]) else []
        new = b["audio"][t] if t < len(b["audio"]) else []
        lines += _changes(f"Audio {t + 1}.", old, new)
    return lines


MIN_PREVIEW_SECONDS = 0.5


def start_render(
    timeline: Timeline,
    *,
    by: User,
    quality: str,
    revision: int | None = None,
    window: tuple[float, float] | None = None,
) -> Render:
    """Queue a render of a revision (the newest by default); a draft may be of a part
    only (`window`, seconds of the production: a quick preview). Refused for a timeline
    of nothing, for records the leader may no longer use, and while a final render of
    the timeline is still under way (two would make two versions)."""
    from ensemble.timelines import rendering  # the task module imports this one

    require_editor(by, timeline)
    if quality not in Render.Quality.values:
        raise Refused("A render is a draft or final.", field="quality")
    chosen = revision_of(timeline, revision)
    if not document.record_ids(chosen.document) and not any(
        item["type"] in ("title", "credits") for item in chosen.document["video"]
    ):
        raise Refused(
            "There is nothing to render yet: add a clip, a still, a card or a sound.",
            code="empty",
        )
    if window is not None:
        window = _clean_window(window, quality, document.length(chosen.document))
    check_records(timeline, chosen.document, by=by)
    with transaction.atomic():
        Timeline.objects.select_for_update().get(pk=timeline.pk)
        if (
            quality == Render.Quality.FINAL
            and timeline.renders.filter(
                quality=Render.Quality.FINAL,
                state__in=[Render.State.QUEUED, Render.State.RENDERING],
            ).exists()
        ):
            raise Refused(
                "A final render of this timeline is under way: wait for it to finish.",
                status=409,
                code="render_running",
            )
        made = Render.objects.create(
            timeline=timeline,
            revision=chosen,
            quality=quality,
            started_by=by,
            window_start=window[0] if window else None,
            window_end=window[1] if window else None,
        )
        rendering.enqueue(made)
    return made


def _clean_window(window: tuple[float, float], quality: str, length: float) -> tuple[float, float]:
    if quality != Render.Quality.DRAFT:
        raise Refused("Only a draft can be of a part of the timeline.", field="start")
    start, end = (round(float(value), 3) for value in window)
    if not (0 <= start < length) or end <= start:
        raise Refused(
            f"Preview a part between 0 and {length:g} s, its end after its start.", field="start"
        )
    end = min(end, length)
    if end - start < MIN_PREVIEW_SECONDS:
        raise Refused(f"Preview at least {MIN_PREVIEW_SECONDS:g} s.", field="end")
    return start, end


def production_owner_id(timeline: Timeline, by: User) -> int:
    """Whose the production is: its record's owner, or (before the first final render
    makes it) the leader asking."""
    if timeline.production is not None:
        return int(timeline.production.record.owner_id)
    return int(by.pk)


def check_records(timeline: Timeline, parsed: dict[str, Any], *, by: User) -> None:
    production = timeline.production
    checks.usable(
        parsed,
        by=by,
        licence=timeline.licence,
        owner_id=production_owner_id(timeline, by),
        production_id=production.record_id if production is not None else None,
    )


def _add_revision(
    timeline: Timeline,
    parsed: dict[str, Any],
    *,
    by: User,
    note: str,
    restored_from: int | None = None,
) -> Revision:
    number = timeline.revision_count + 1
    revision = Revision.objects.create(
        timeline=timeline,
        number=number,
        document=parsed,
        note=note,
        restored_from=restored_from,
        saved_by=by,
    )
    Timeline.objects.filter(pk=timeline.pk).update(revision_count=number, updated_at=timezone.now())
    timeline.revision_count = number
    return revision


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise Refused("Give the production a title.", field="title")
    if len(title) > 200:
        raise Refused("The title can be at most 200 characters.", field="title")
    return checked_text(title, field="title", label="title")


def _output(output: dict[str, int]) -> str:
    return f"{output['width']}×{output['height']} at {output['fps']} fps"


def _changes(where: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """Items added, removed and changed, matched as whole items in order."""
    keys = [json.dumps(item, sort_keys=True) for item in old]
    news = [json.dumps(item, sort_keys=True) for item in new]
    lines = []
    matcher = difflib.SequenceMatcher(a=keys, b=news, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(a2 - a1, b2 - b1) if op == "replace" else 0
        for offset in range(paired):
            lines.append(
                f"{where}{b1 + offset + 1}: {describe(old[a1 + offset])} → "
                f"{describe(new[b1 + offset])}"
            )
        a1, b1 = a1 + paired, b1 + paired
        lines += [f"{where}{n + 1}: removed {describe(old[n])}" for n in range(a1, a2)]
        lines += [f"{where}{n + 1}: added {describe(new[n])}" for n in range(b1, b2)]
    return lines


def describe(item: dict[str, Any]) -> str:
    """An item in a few words: "clip of record 12, 4–9.5 s (fit)"."""
    kind = item.get("type", "sound")
    if kind == "title":
        return f"title card “{item['title']}”, {item['seconds']:g} s"
    if kind == "credits":
        return f"credits ({item['style']}), {item['seconds']:g} s"
    if kind == "still":
        return f"still of record {item['record']}, {item['seconds']:g} s ({item['fit']})"
    if kind == "clip":
        return f"clip of record {item['record']}, {item['in']:g}–{item['out']:g} s ({item['fit']})"
    return (
        f"sound of record {item['record']}, {item['in']:g}–{item['out']:g} s at "
        f"{item['at']:g} s, {item['gain_db']:+g} dB"
    )
