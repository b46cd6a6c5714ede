"""The data of bench/payments.py: three seeded production lineages, as rows for
bench/bulkload.py.

1,000 records and 200 people, 10,000 and 2,000, 100,000 and 20,000. The production record
cites the project's 100 selected entries; every other record cites 1–3 older records
(85 % `uses`, 15 % `inspired_by`), most in the level just below it, a quarter further
down: a DAG in levels whose widths grow by half from the 100 entries to a cap of records
÷ 25, so the depth is 24–33. Everyone owns at least one record and a few own many
(weights 1/√rank); 8 % of the records invited one or two co-creators (85 % accepted,
10 % still invited, 5 % declined: only the accepted share). All records are public.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import bulkload
import graphgen
from graphgen import title

SEED = 20261128
SIZES = ((1_000, 200), (10_000, 2_000), (100_000, 20_000))  # (records, people)
SELECTED = 100  # the production cites the call's selected entries
GROWTH = 1.5  # each level of the DAG at most this much wider than the one above
CAP_DIVISOR = 25  # levels at most records ÷ 25 wide
DEGREES, DEGREE_WEIGHTS = (1, 2, 3), (30, 45, 25)
SKIP = 0.25  # share of extra citations reaching 2–8 levels further down
SKIP_LEVELS = 8
INSPIRED = 0.15  # share of citations that are `inspired_by` (weight 0 by default)
COCREATED = 0.08  # share of records that invited co-creators
COCREATOR_STATES, COCREATOR_WEIGHTS = ("accepted", "invited", "declined"), (85, 10, 5)
KINDS = ("text", "image", "audio", "video", "other")
KIND_WEIGHTS = (20, 35, 30, 10, 5)
CURRENCY = "EUR"
REVENUE, COST, SHARE_BP = 123_456_789, 2_345_678, 5_000  # cents; the contributors' half
POOL_AMOUNT = (REVENUE - COST) * SHARE_BP // 10_000  # what `pools.balance` must say
# The tables the lineages fill, as bench/lineage.py's graph does.
TABLES = {
    table: graphgen.TABLES[table]
    for table in ("accounts_user", "records_record", "records_cocreator", "lineage_source")
}


@dataclass
class Lineage:
    """One production's lineage. Local index 0 is the production, then the records level
    by level going down (older); ids run the other way, so a source is always older."""

    records: int
    people: int
    first_record: int  # ids first_record + 1 … first_record + records
    first_user: int  # members first_user + 1 … first_user + people; the first leads
    levels: list[int]  # widths, level 0 being the production
    owner: list[int]  # local → user id
    kind: list[int]  # local → index in KINDS
    sources: list[list[tuple[int, str]]]  # local → [(local source, kind)]
    cocreators: list[tuple[int, int, str]]  # (local record, user id, state)

    def id(self, local: int) -> int:
        return self.first_record + self.records - local

    @property
    def root(self) -> int:
        return self.id(0)

    @property
    def leader(self) -> int:
        return self.first_user + 1

    @property
    def selected(self) -> list[int]:
        return [self.id(local) for local in range(1, 1 + self.levels[1])]

    @property
    def depth(self) -> int:
        return len(self.levels) - 1  # every record is cited from the level above it

    @property
    def edges(self) -> int:
        return sum(len(s) for s in self.sources)

    @property
    def uses(self) -> int:
        return sum(1 for s in self.sources for _, kind in s if kind == "uses")

    @property
    def accepted(self) -> int:
        return sum(1 for _, _, state in self.cocreators if state == "accepted")

    @property
    def label(self) -> str:
        return f"{self.records:,} records, {self.people:,} people"

    @property
    def short(self) -> str:
        return f"{self.records // 1000}k"

    @classmethod
    def generate(cls, records: int, people: int, first_record: int, first_user: int) -> Lineage:
        rng = random.Random(f"{SEED}-{records}")
        cap = max(records // CAP_DIVISOR, 20)
        levels = [1, SELECTED]
        while sum(levels) < records:
            levels.append(min(int(levels[-1] * GROWTH), cap, records - sum(levels)))
        members: list[list[int]] = []
        start = 0
        for width in levels:
            members.append(list(range(start, start + width)))
            start += width
        sources: list[list[tuple[int, str]]] = [[] for _ in range(records)]
        sources[0] = [(local, "uses") for local in members[1]]  # make_production's citations
        last = len(levels) - 1
        for k in range(1, last):
            here, below = members[k][:], members[k + 1][:]
            rng.shuffle(here)
            rng.shuffle(below)
            # Every record of the level below is cited at least once from this one
            # (at most ⌈GROWTH⌉ = 2 such citations each), so all are in the lineage.
            chosen: dict[int, set[int]] = {r: set() for r in here}
            for j, s in enumerate(below):
                chosen[here[j % len(here)]].add(s)
            for r in here:
                picked = chosen[r]
                degree = max(len(picked), rng.choices(DEGREES, DEGREE_WEIGHTS)[0])
                while len(picked) < degree:
                    if k + 2 > last or rng.random() >= SKIP:
                        picked.add(rng.choice(members[k + 1]))
                    else:
                        picked.add(
                            rng.choice(members[rng.randint(k + 2, min(k + SKIP_LEVELS, last))])
                        )
                sources[r] = [
                    (s, "inspired_by" if rng.random() < INSPIRED else "uses")
                    for s in sorted(picked)
                ]
        users = list(range(first_user + 1, first_user + people + 1))
        weights = [1 / (rank + 1) ** 0.5 for rank in range(people)]
        ranked = users[:]
        rng.shuffle(ranked)
        owners = users + rng.choices(ranked, weights, k=records - 1 - people)
        rng.shuffle(owners)
        owner = [first_user + 1, *owners]  # the leader owns the production (and more)
        kind = [3, *rng.choices(range(len(KINDS)), KIND_WEIGHTS, k=records - 1)]  # 3: video
        cocreators = []
        for local in range(1, records):
            if rng.random() >= COCREATED:
                continue
            invited = {rng.choice(users) for _ in range(rng.choice((1, 1, 2)))} - {owner[local]}
            for user in sorted(invited):
                cocreators.append(
                    (local, user, rng.choices(COCREATOR_STATES, COCREATOR_WEIGHTS)[0])
                )
        return cls(
            records, people, first_record, first_user, levels, owner, kind, sources, cocreators
        )

    def spec(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "people": self.people,
            "root": self.root,
            "leader": self.leader,
            "selected": self.selected,
            "edges": self.edges,
            "accepted": self.accepted,
            "call_title": call_title(self),
        }


def call_title(lineage: Lineage) -> str:
    return f"Everything for the film ({lineage.records:,} records)"


def generate() -> list[Lineage]:
    lineages, first_record, first_user = [], 0, 0
    for records, people in SIZES:
        lineages.append(Lineage.generate(records, people, first_record, first_user))
        first_record += records
        first_user += people
    return lineages


def table_rows(lineages: list[Lineage], table: str, suffix: str) -> Iterator[tuple]:
    """The rows of one table for all the lineages, as tuples in TABLES' column order."""
    stamps = graphgen.stamps(sum(lineage.records for lineage in lineages), suffix)

    def of(record: int) -> str:
        return stamps.at(record * graphgen.SECONDS_APART)

    if table == "accounts_user":
        for lineage in lineages:
            for u in range(lineage.first_user + 1, lineage.first_user + lineage.people + 1):
                yield bulkload.member(u, f"member{u}", f"Member {u}", of(0))
    elif table == "records_record":
        for lineage in lineages:
            for local in range(lineage.records):
                r = lineage.id(local)
                name = f"The film ({lineage.records:,} records)" if local == 0 else title(r)
                kind = KINDS[lineage.kind[local]]
                yield bulkload.record(r, kind, name, of(r), lineage.owner[local])
    elif table == "records_cocreator":
        n = 0
        for lineage in lineages:
            for local, user, state in lineage.cocreators:
                n += 1
                r = lineage.id(local)
                at = of(r)
                yield n, state, at, None if state == "invited" else at, user, r
    elif table == "lineage_source":
        n = 0
        for lineage in lineages:
            selected = f"Selected in the call “{call_title(lineage)}”"
            for local, cited in enumerate(lineage.sources):
                r, by = lineage.id(local), lineage.owner[local]
                at = of(r)
                note = selected if local == 0 else "n"
                for cited_local, kind in cited:
                    n += 1
                    source, source_owner = lineage.id(cited_local), lineage.owner[cited_local]
                    yield bulkload.source(n, kind, note, at, by, r, source, source_owner)
