"""What a cut means for credit: the end-credit card drawn from it, and the production's
sources set from it.

Every record placed in the timeline is a source of the production, kind `uses`, with
the part it plays ("video 0:12–0:19", "audio 1.1 0:00–1:30") and the time range used
from it. A record placed several times is one source (lineage keeps one edge per pair):
its parts are listed together and its range runs from the earliest in to the latest
out. A final render makes the production's sources follow the cut exactly: the
timeline's own citations (`Citation`) that are no longer in it go, new ones are made,
kept ones get their new part and range. Citations made by hand or by moderators are
never removed here; one the cut also places gets the cut's part and range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ensemble.accounts.models import User
from ensemble.lineage import credits
from ensemble.lineage import services as lineage
from ensemble.lineage.models import Source
from ensemble.records.models import Record
from ensemble.timelines import checks
from ensemble.timelines.models import Citation, Render, Timeline
from ensemble.timelines.plan import CreditSection

PART_LIMIT = 200  # Source.part


@dataclass
class Use:
    parts: list[str] = field(default_factory=list)
    start: float = float("inf")
    end: float = 0.0

    @property
    def part(self) -> str:
        text = "; ".join(self.parts)
        if len(text) <= PART_LIMIT:
            return text
        kept = text[: PART_LIMIT - 12].rsplit("; ", 1)[0]
        return f"{kept}; and more"


def clock(seconds: float) -> str:
    """0:07, 0:07.5, 1:02:03: how a time in a production is written for people (tenths
    only where there are some: cuts fall between whole seconds)."""
    tenths = round(seconds * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    shown = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{shown}.{tenth}" if tenth else shown


def uses(document: dict[str, Any]) -> dict[int, Use]:
    """Each record the cut places, with its parts (where it plays in the production) and
    the range used from it, in the order it first appears."""
    found: dict[int, Use] = {}
    at = 0.0
    positions = {}  # video item index → where it starts in the production
    for n, item in enumerate(document["video"]):
        positions[n] = at
        at += float(item["out"] - item["in"]) if item["type"] == "clip" else item["seconds"]
    for place in checks.placed(document):
        item = place.item
        use = found.setdefault(item["record"], Use())
        if place.role == "sound":
            begin, length = item["at"], item["out"] - item["in"]
        else:
            index = int(place.name.split()[1]) - 1
            begin = positions[index]
            length = item["out"] - item["in"] if place.role == "clip" else item["seconds"]
        use.parts.append(f"{place.name} {clock(begin)}–{clock(begin + length)}")
        if place.role != "still":
            use.start = min(use.start, item["in"])
            use.end = max(use.end, item["out"])
    return found


def credit_sections(record_ids: list[int], editor: User) -> tuple[CreditSection, ...]:
    """The end credits: who edited it, then everyone in the lineage of what the cut
    places, by role, each person once under each role they have, names in order. Made
    from the same public credit rolls as every credits page, so drafts stay out."""
    people: dict[str, dict[int, str]] = {}  # role heading → person → name
    for record_id in record_ids:
        roll = credits.cached_credit_roll(record_id)
        for section in roll.sections:
            for _, heading, persons in section.groups:
                for person in persons:
                    people.setdefault(heading, {})[person.user_id] = person.name
    sections = [CreditSection("Edited by", (editor.name or editor.username,))]
    for heading, _ in sorted(
        people.items(), key=lambda kv: list(credits.ROLES.values()).index(kv[0])
    ):
        names = sorted(people[heading].values(), key=str.lower)
        sections.append(CreditSection(heading, tuple(names)))
    return tuple(sections)


def set_sources(
    timeline: Timeline, production: Record, document: dict[str, Any], *, owner: User
) -> None:
    """Make the production's `uses` sources follow the cut (see the module's docstring).
    Runs in the caller's transaction; a citation lineage refuses (a loop: a record built
    on this production) raises, and nothing of the render is kept."""
    wanted = uses(document)
    existing = {edge.source_id: edge for edge in Source.objects.filter(derived=production)}
    owned = set(
        Citation.objects.filter(timeline=timeline).values_list("edge__source_id", flat=True)
    )
    for source_id in owned - set(wanted):
        lineage.remove_source(existing[source_id], by=owner)
    sources = Record.objects.in_bulk(list(wanted))
    for source_id, use in wanted.items():
        start = use.start if use.start != float("inf") else None
        end = use.end if start is not None else None
        edge = existing.get(source_id)
        if edge is not None and edge.kind != Source.Kind.USES:
            # Cited as an inspiration, now in the cut: a new citation, checked as one.
            lineage.remove_source(edge, by=owner)
            edge = None
        if edge is None:
            made = lineage.add_source(
                production,
                sources[source_id],
                by=owner,
                note=f"In the cut of “{timeline.title}”.",
                part=use.part,
                start_seconds=start,
                end_seconds=end,
            )
            Citation.objects.create(timeline=timeline, edge=made)
        else:
            lineage.update_source(
                edge, by=owner, part=use.part, start_seconds=start, end_seconds=end
            )


def seconds_by_source(document: dict[str, Any]) -> dict[int, float]:
    """How long each record placed is on screen or in the mix, summed over its places."""
    seconds: dict[int, float] = {}
    for place in checks.placed(document):
        item = place.item
        length = item["seconds"] if place.role == "still" else item["out"] - item["in"]
        seconds[item["record"]] = seconds.get(item["record"], 0.0) + float(length)
    return seconds


def seconds_in_production(record_id: int) -> dict[int, float] | None:
    """`seconds_by_source` for the cut that made the production's newest rendered
    version, or None for a production not rendered from a timeline."""
    made = (
        Render.objects.filter(
            quality=Render.Quality.FINAL, state=Render.State.READY, version__record_id=record_id
        )
        .select_related("revision")
        .order_by("-version__number")
        .first()
    )
    return seconds_by_source(made.revision.document) if made is not None else None
