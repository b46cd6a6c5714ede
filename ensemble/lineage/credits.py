"""Credit rolls, computed from the lineage whenever they are asked for, never typed in.

Steps for a record R and a viewer:
1. R itself (depth 0), its sources (direct) and everything further up (indirect): one
   recursive query that also brings each record's owner.
2. Drop the records the viewer may not see (another member's drafts). Removed records
   stay, as tombstones: their people keep their credit.
3. Add accepted co-creators, each record's role tag and the people's skills (three
   queries, whatever the size of the ancestry).
4. Give each person a role per record: the record's role tag (`#composer`), else the
   person's first skill that fits the record's kind, else the kind's usual role.
5. Group: this work / direct / indirect, then role, then person, with the records each
   person is credited for. A person appears in the nearest section only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from ensemble.lineage.graph import _walk_sql
from ensemble.records.models import CoCreator

ROLES = {
    "writer": "Writers", "illustrator": "Illustrators", "animator": "Animators",
    "composer": "Composers", "musician": "Musicians", "performer": "Performers",
    "voice": "Voices", "camera": "Camera", "photographer": "Photographers",
    "editor": "Editors", "sound": "Sound", "designer": "Designers",
    "producer": "Producers", "translator": "Translators", "contributor": "Contributors",
}  # fmt: skip
SKILL_ROLES = {
    "writing": "writer", "illustration": "illustrator", "animation": "animator",
    "music": "musician", "performance": "performer", "voice": "voice", "camera": "camera",
    "photography": "photographer", "editing": "editor", "sound": "sound",
    "design": "designer", "production": "producer", "translation": "translator",
}  # fmt: skip
# Which skills fit a kind of work, in order of preference, and the fallback role.
KIND_SKILLS = {
    "text": (["writing", "translation"], "writer"),
    "image": (["illustration", "photography", "design", "animation"], "illustrator"),
    "audio": (["music", "sound", "voice", "performance"], "musician"),
    "video": (["camera", "animation", "editing", "performance"], "camera"),
    "other": (["design", "production"], "contributor"),
}


@dataclass(frozen=True)
class CreditedRecord:
    id: int
    title: str
    removed: bool


@dataclass
class Person:
    user_id: int
    username: str
    name: str
    records: list[CreditedRecord] = field(default_factory=list)


@dataclass
class Section:
    key: str  # "work", "direct", "indirect"
    title: str
    roles: dict[str, list[Person]] = field(default_factory=dict)

    @property
    def groups(self) -> list[tuple[str, str, list[Person]]]:
        """(role, its heading, people) in the order of ROLES."""
        return [(r, ROLES[r], self.roles[r]) for r in ROLES if r in self.roles]

    @property
    def people_count(self) -> int:
        return len({p.user_id for people in self.roles.values() for p in people})


@dataclass
class CreditRoll:
    record_id: int
    sections: list[Section]
    record_count: int  # records in the roll, the work included

    @property
    def people_count(self) -> int:
        return sum(s.people_count for s in self.sections)


_COCREATOR_FIELDS = (
    "record_id", "user_id", "state", "user__username", "user__display_name", "user__is_active",
)  # fmt: skip
_SECTION_TITLES = {"work": "This work", "direct": "Built directly on", "indirect": "Further up"}


def _ancestry_rows(record_id: int) -> list[tuple[Any, ...]]:
    """(id, title, kind, visibility, deleted, owner id, username, display name, active,
    is_direct) for the record and all its ancestors, in one query."""
    walk = _walk_sql("ancestors", with_depth=False, uses_only=False)
    sql = (
        walk + ", nodes(id) AS (SELECT id FROM walk UNION SELECT %s) "
        "SELECT r.id, r.title, r.kind, r.visibility, r.deleted_at IS NOT NULL, "
        "u.id, u.username, u.display_name, u.is_active, "
        "EXISTS (SELECT 1 FROM lineage_source s WHERE s.derived_id = %s AND s.source_id = r.id) "
        "FROM nodes JOIN records_record r ON r.id = nodes.id "
        "JOIN accounts_user u ON u.id = r.owner_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [record_id, record_id, record_id])
        return cursor.fetchall()


def _visible(row: tuple[Any, ...], viewer_id: int | None, invited: set[int]) -> bool:
    record_id, _, _, visibility, removed, owner_id = row[:6]
    return removed or visibility == "public" or owner_id == viewer_id or record_id in invited


def credit_roll(record_id: int, viewer: Any = None) -> CreditRoll:
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    rows = _ancestry_rows(record_id)
    ids = [row[0] for row in rows]
    cocreators = [
        row
        for chunk in _chunks(ids)
        for row in CoCreator.objects.filter(record_id__in=chunk)
        .exclude(state=CoCreator.State.DECLINED)
        .values_list(*_COCREATOR_FIELDS)
    ]
    invited = {rid for rid, uid, *_ in cocreators if uid == viewer_id}
    rows = [row for row in rows if row[0] == record_id or _visible(row, viewer_id, invited)]
    visible_ids = {row[0] for row in rows}
    role_tags = _role_tags(visible_ids)
    people: dict[int, tuple[str, str, bool]] = {}
    credits: list[tuple[int, int]] = []  # (record id, user id)
    for row in rows:
        people[row[5]] = (row[6], row[7], row[8])
        credits.append((row[0], row[5]))
    for rid, uid, state, username, display_name, active in cocreators:
        if state == CoCreator.State.ACCEPTED and rid in visible_ids:
            people[uid] = (username, display_name, active)
            credits.append((rid, uid))
    skills = _skills(set(people))
    by_id = {row[0]: row for row in rows}
    return _assemble(record_id, by_id, credits, people, skills, role_tags)


def _assemble(
    record_id: int,
    by_id: dict[int, tuple[Any, ...]],
    credits: list[tuple[int, int]],
    people: dict[int, tuple[str, str, bool]],
    skills: dict[int, list[str]],
    role_tags: dict[int, str],
) -> CreditRoll:
    def section_of(rid: int) -> str:
        if rid == record_id:
            return "work"
        return "direct" if by_id[rid][9] else "indirect"

    nearest: dict[int, str] = {}
    order = ["work", "direct", "indirect"]
    for rid, uid in credits:
        here = section_of(rid)
        if uid not in nearest or order.index(here) < order.index(nearest[uid]):
            nearest[uid] = here
    sections = {name: Section(name, _SECTION_TITLES[name]) for name in order}
    entries: dict[tuple[str, str, int], Person] = {}
    for rid, uid in sorted(credits, key=lambda c: (by_id[c[0]][1].lower(), c[0])):
        row = by_id[rid]
        role = role_tags.get(rid) or _role_from_skills(row[2], skills.get(uid, []))
        key = (nearest[uid], role, uid)
        username, display_name, active = people[uid]
        if key not in entries:
            entries[key] = Person(
                user_id=uid,
                username=username if active else "",
                name=(display_name or username) if active else "a former member",
            )
            sections[nearest[uid]].roles.setdefault(role, []).append(entries[key])
        entries[key].records.append(CreditedRecord(rid, row[1], bool(row[4])))
    for section in sections.values():
        for persons in section.roles.values():
            persons.sort(key=lambda p: p.name.lower())
    return CreditRoll(
        record_id=record_id,
        sections=[s for s in sections.values() if s.roles],
        record_count=len(by_id),
    )


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    """Pieces small enough for any database's limit on query parameters."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _role_from_skills(kind: str, skills: list[str]) -> str:
    fitting, fallback = KIND_SKILLS[kind]
    for skill in fitting:
        if skill in skills:
            return SKILL_ROLES[skill]
    return fallback


def _role_tags(record_ids: set[int]) -> dict[int, str]:
    """record id → its role tag (a tag named like a role: "composer"), if it has one."""
    from ensemble.records.models import Record

    through = Record.tags.through
    found: dict[int, str] = {}
    for chunk in _chunks(list(record_ids)):
        rows = through.objects.filter(record_id__in=chunk, tag__name__in=list(ROLES)).values_list(
            "record_id", "tag__name"
        )
        for rid, name in rows:
            found.setdefault(rid, name)
    return found


def _skills(user_ids: set[int]) -> dict[int, list[str]]:
    from ensemble.accounts.models import MemberSkill

    found: dict[int, list[str]] = defaultdict(list)
    for uid, skill in MemberSkill.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "skill"
    ):
        found[uid].append(skill)
    return found
