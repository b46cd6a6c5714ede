"""Credit rolls, computed from the lineage whenever they are asked for, never typed in.

Steps for a record R and a viewer:
1. One statement, whatever the size of the ancestry (`_fetch`), walks the graph once and
   brings R itself (depth 0), its sources (direct) and everything further up (indirect),
   each with its owner, plus their co-creators, role tags and the people's skills.
2. Drop the records the viewer may not see (another member's drafts). Removed records
   stay, as tombstones: their people keep their credit.
3. Add the accepted co-creators of the records kept.
4. Give each person a role per record: the record's role tag (`#composer`), else the
   person's first skill that fits the record's kind, else the kind's usual role.
5. Group: this work / direct / indirect, then role, then person, with the records each
   person is credited for. A person appears in the nearest section only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.cache import cache

from ensemble.core import generations
from ensemble.lineage.graph import _walk_sql, steered
from ensemble.records.models import CoCreator, Record

ROLES = {
    "writer": "Writers",
    "illustrator": "Illustrators",
    "animator": "Animators",
    "composer": "Composers",
    "musician": "Musicians",
    "performer": "Performers",
    "voice": "Voices",
    "camera": "Camera",
    "photographer": "Photographers",
    "editor": "Editors",
    "sound": "Sound",
    "designer": "Designers",
    "producer": "Producers",
    "translator": "Translators",
    "contributor": "Contributors",
}
SKILL_ROLES = {
    "writing": "writer",
    "illustration": "illustrator",
    "animation": "animator",
    "music": "musician",
    "performance": "performer",
    "voice": "voice",
    "camera": "camera",
    "photography": "photographer",
    "editing": "editor",
    "sound": "sound",
    "design": "designer",
    "production": "producer",
    "translation": "translator",
}
# Which skills fit a kind of work, in order of preference, and the fallback role.
KIND_SKILLS = {
    "text": (["writing", "translation"], "writer"),
    "image": (["illustration", "photography", "design", "animation"], "illustrator"),
    "audio": (["music", "sound", "voice", "performance"], "musician"),
    "video": (["camera", "animation", "editing", "performance"], "camera"),
    "other": (["design", "production"], "contributor"),
}


class CreditedRecord(NamedTuple):
    id: int
    title: str  # "" for one hidden by moderators: its creators keep the credit, not its title
    removed: bool
    hidden: bool = False


@dataclass
class Person:
    user_id: int
    username: str
    name: str
    records: list[CreditedRecord] = field(default_factory=list)
    unlisted: int = 0  # records credited but left off a page of the roll (`roll_page`)


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
    hidden_drafts: frozenset[int] = frozenset()  # drafts in the lineage left out for the viewer

    @property
    def people_count(self) -> int:
        return sum(s.people_count for s in self.sections)


_CREDITED = (Record.Visibility.PUBLIC, Record.Visibility.HIDDEN)
_SECTION_TITLES = {"work": "This work", "direct": "Built directly on", "indirect": "Further up"}


# Whether a person is named in a roll: a member, or one banned (credit is a fact); an
# account closed or deleted is "a former member".
_NAMED = "CASE WHEN u.is_active OR u.banned_at IS NOT NULL THEN 1 ELSE 0 END"


def _fetch(record_id: int) -> list[tuple[Any, ...]]:
    """Everything a credit roll needs, in one statement that walks the graph once.

    Rows are tagged by their first column:
    "r": record id, title, kind, visibility, removed, is_direct, owner id, username,
         display name, active (the record itself and every ancestor);
    "c": record id, state, …, user id, username, display name, active (co-creators);
    "t": record id, role tag name; "s": …, skill, …, user id (skills of everyone above).
    """
    walk = _walk_sql("ancestors", with_depth=False, uses_only=False)
    roles = ", ".join(["%s"] * len(ROLES))
    sql = (
        walk + ", nodes(id) AS MATERIALIZED (SELECT id FROM walk UNION SELECT %s)"
        ", direct(id) AS (SELECT source_id FROM lineage_source WHERE derived_id = %s) "
        "SELECT 'r', r.id, r.title, r.kind, r.visibility, "
        "CASE WHEN r.deleted_at IS NULL THEN 0 ELSE 1 END, "
        "CASE WHEN r.id IN (SELECT id FROM direct) THEN 1 ELSE 0 END, "
        "u.id, u.username, u.display_name, " + _NAMED + " "
        "FROM nodes JOIN records_record r ON r.id = nodes.id "
        "JOIN accounts_user u ON u.id = r.owner_id "
        "UNION ALL SELECT 'c', c.record_id, c.state, NULL, NULL, 0, 0, "
        "u.id, u.username, u.display_name, " + _NAMED + " "
        # CROSS JOIN: SQLite then starts from the lineage, not from every co-creator.
        "FROM nodes CROSS JOIN records_cocreator c CROSS JOIN accounts_user u "
        "WHERE c.record_id = nodes.id AND u.id = c.user_id AND c.state <> 'declined' "
        "UNION ALL SELECT 't', rt.record_id, t.name, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL "
        "FROM nodes CROSS JOIN records_record_tags rt CROSS JOIN records_tag t "
        f"WHERE rt.record_id = nodes.id AND t.id = rt.tag_id AND t.name IN ({roles}) "
        "UNION ALL SELECT 's', NULL, m.skill, NULL, NULL, 0, 0, m.user_id, NULL, NULL, NULL "
        "FROM accounts_memberskill m WHERE m.user_id IN ("
        "SELECT r.owner_id FROM nodes JOIN records_record r ON r.id = nodes.id "
        "UNION SELECT c.user_id FROM nodes JOIN records_cocreator c ON c.record_id = nodes.id)"
    )
    with steered() as cursor:
        cursor.execute(sql, [record_id, record_id, record_id, *ROLES])
        return cursor.fetchall()


def credit_roll(record_id: int, viewer: Any = None) -> CreditRoll:
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    records: dict[int, tuple[Any, ...]] = {}
    cocreators: list[tuple[Any, ...]] = []
    role_tags: dict[int, str] = {}
    skills: dict[int, list[str]] = defaultdict(list)
    for row in _fetch(record_id):
        kind = row[0]
        if kind == "r":
            records[row[1]] = row[1:]
        elif kind == "c":
            cocreators.append(row)
        elif kind == "t":
            role_tags.setdefault(row[1], row[2])
        else:
            skills[row[7]].append(row[2])
    # Drafts of others drop out (their co-creators with them); tombstones stay, and so
    # do records moderators hid (named without their title).
    invited = {row[1] for row in cocreators if row[7] == viewer_id}
    by_id = {
        rid: row
        for rid, row in records.items()
        if rid == record_id
        or row[4]
        or row[3] in _CREDITED
        or row[6] == viewer_id
        or rid in invited
    }
    hidden = frozenset(rid for rid in records if rid not in by_id)
    people: dict[int, tuple[str, str, bool]] = {}
    credits: list[tuple[int, int]] = []  # (record id, user id)
    for rid, row in by_id.items():
        people[row[6]] = (row[7], row[8], bool(row[9]))
        credits.append((rid, row[6]))
    for _, rid, state, _, _, _, _, uid, username, display_name, active in cocreators:
        if state == CoCreator.State.ACCEPTED and rid in by_id:
            people[uid] = (username, display_name, bool(active))
            credits.append((rid, uid))
    roll = _assemble(record_id, by_id, credits, people, skills, role_tags)
    roll.hidden_drafts = hidden
    return roll


CACHE_FAMILY = "credits"
CACHE_SECONDS = 24 * 60 * 60


def cached_credit_roll(record_id: int, viewer: Any = None) -> CreditRoll:
    """The credit roll, computed once per change of the data it depends on.

    The roll everyone may see is cached under the `credits` generation, which every
    change to lineage, titles, co-creators, visibility, names or skills bumps. A viewer
    who may see drafts that roll leaves out (their own, or ones they co-create) gets a
    roll computed for them.
    """
    public = _public_roll(record_id, generations.current(CACHE_FAMILY))
    if public.hidden_drafts and _sees_any(viewer, public.hidden_drafts):
        return credit_roll(record_id, viewer)
    return public


def _public_roll(record_id: int, generation: int) -> CreditRoll:
    key = f"lineage:credits:{record_id}:{generation}"
    public: CreditRoll | None = cache.get(key)
    if public is None:
        public = credit_roll(record_id, None)
        cache.set(key, public, CACHE_SECONDS)
    return public


def cached_for_viewer[T](
    record_id: int, viewer: Any, name: str, make: Callable[[CreditRoll, Any], T]
) -> T:
    """`make(roll, who)` for the roll `cached_credit_roll` would give this viewer: the
    one everyone gets (`who` None) is cached under `name` beside the roll, so a page of a
    12,000-record roll, or its JSON, is read without unpickling the whole roll (12 ms)
    or making it again; a viewer who sees drafts it leaves out gets theirs (`who` them)."""
    generation = generations.current(CACHE_FAMILY)
    key = f"lineage:credits:{record_id}:{generation}:{name}"
    entry: tuple[frozenset[int], T] | None = cache.get(key)
    if entry is None:
        public = _public_roll(record_id, generation)
        entry = (public.hidden_drafts, make(public, None))
        cache.set(key, entry, CACHE_SECONDS)
    hidden, made = entry
    if hidden and _sees_any(viewer, hidden):
        return make(credit_roll(record_id, viewer), viewer)
    return made


def _sees_any(viewer: Any, drafts: frozenset[int]) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    ids = list(drafts)
    return (
        Record.objects.filter(pk__in=ids, owner=viewer).exists()
        or CoCreator.objects.filter(
            record_id__in=ids,
            user=viewer,
            state__in=[CoCreator.State.INVITED, CoCreator.State.ACCEPTED],
        ).exists()
    )


def _assemble(
    record_id: int,
    by_id: dict[int, tuple[Any, ...]],
    credits: list[tuple[int, int]],
    people: dict[int, tuple[str, str, bool]],
    skills: dict[int, list[str]],
    role_tags: dict[int, str],
) -> CreditRoll:
    """Sections → roles → people → records. Tuned: it runs over every credit of a
    lineage (12,500 records for a big production), so no per-credit objects beyond
    the records listed, and no repeated lookups."""
    order = ("work", "direct", "indirect")
    section_of = {
        rid: (0 if rid == record_id else 1 if row[5] else 2) for rid, row in by_id.items()
    }
    nearest: dict[int, int] = {}
    for rid, uid in credits:
        here = section_of[rid]
        if here < nearest.get(uid, 3):
            nearest[uid] = here
    sections = [Section(name, _SECTION_TITLES[name]) for name in order]
    entries: dict[tuple[int, str, int], Person] = {}
    sort_key = {rid: (row[1].lower(), rid) for rid, row in by_id.items()}
    role_of_kind: dict[tuple[str, int], str] = {}
    for rid, uid in sorted(credits, key=lambda c: sort_key[c[0]]):
        row = by_id[rid]
        role = role_tags.get(rid)
        if role is None:
            cached = (row[2], uid)
            role = role_of_kind.get(cached)
            if role is None:
                role = role_of_kind[cached] = _role_from_skills(row[2], skills.get(uid, []))
        where = nearest[uid]
        key = (where, role, uid)
        entry = entries.get(key)
        if entry is None:
            username, display_name, active = people[uid]
            entry = entries[key] = Person(
                user_id=uid,
                username=username if active else "",
                name=(display_name or username) if active else "a former member",
            )
            sections[where].roles.setdefault(role, []).append(entry)
        hidden = row[3] == Record.Visibility.HIDDEN
        entry.records.append(CreditedRecord(rid, "" if hidden else row[1], bool(row[4]), hidden))
    for section in sections:
        for persons in section.roles.values():
            persons.sort(key=lambda p: p.name.lower())
    return CreditRoll(
        record_id=record_id,
        sections=[s for s in sections if s.roles],
        record_count=len(by_id),
    )


def _role_from_skills(kind: str, skills: list[str]) -> str:
    fitting, fallback = KIND_SKILLS[kind]
    for skill in fitting:
        if skill in skills:
            return SKILL_ROLES[skill]
    return fallback
