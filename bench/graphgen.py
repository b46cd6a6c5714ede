"""A seeded remix graph shaped like the one in shared/FACTS.md, for bench/lineage.py.

Records get ids 1..N in creation order and cite only older records, so the graph is a
DAG by construction. The shape:

- 87.5 % of records have 0–3 sources; the rest 4 or more (compilations, sample packs),
  about 3 edges a record in all. Most citations go to originals (records with no sources,
  older ones more often) or to a record made shortly before; few go to derived records, so
  ancestries stay small (p90 ≈ 20, p99 ≈ 100+), as measured on real-looking graphs.
- One early original, the **popular** record, is cited by a few percent of all records;
  with their own descendants that makes a descendant set of ~20 % of the graph.
- **Chains**: CHAINS chains of CHAIN_DEPTH records, each link a remix of the previous one.
- The **target**: a record near the end with FAN_IN sources, the tips of all chains among
  them (depth 200), whose ancestry is ~TARGET_ANCESTORS records.

Sources are stored CSR-style: record i's sources are `sources[offsets[i]:offsets[i + 1]]`.
`table_rows` turns the graph into the rows bench/bulkload.py loads.
"""

from __future__ import annotations

import itertools
import random
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import bulkload
from bulkload import RECORD, SOURCE, USER, Stamps, words

SEED = 20261127
POPULAR = 7
EARLY_ORIGINALS = 1000
CHAINS = 10
CHAIN_DEPTH = 200
FAN_IN = 5000
TARGET_ANCESTORS = 12_500
KINDS = ("text", "image", "audio", "video", "other")
KIND_WEIGHTS = (20, 35, 30, 10, 5)
ROLE_TAGS = (
    "writer",
    "illustrator",
    "animator",
    "composer",
    "musician",
    "performer",
    "voice",
    "camera",
    "photographer",
    "editor",
    "sound",
    "designer",
    "producer",
    "translator",
    "contributor",
)
OTHER_TAGS = ("ambient", "portrait", "loop", "sketch", "field-recording", "poem", "intro")
SKILLS = (
    "writing",
    "illustration",
    "animation",
    "music",
    "performance",
    "voice",
    "camera",
    "photography",
    "editing",
    "sound",
    "design",
    "production",
    "translation",
)
# Chance that one citation of a record with 0–3 sources (light) or 4+ (heavy) goes to a
# record made shortly before (often itself a remix), or to the popular record.
RECENT_LIGHT = 0.32
RECENT_HEAVY = 0.05
POPULAR_SHARE = 0.04
RECENT_WINDOW = 2000


@dataclass
class Graph:
    records: int
    users: int
    offsets: array  # record i's sources: sources[offsets[i]:offsets[i + 1]]
    sources: array
    owner: array  # record id → owner's user id
    kind: bytearray  # record id → index in KINDS
    target: int = 0
    popular: int = POPULAR
    chain_tips: list[int] = field(default_factory=list)
    cocreators: list[tuple[int, int]] = field(default_factory=list)  # (record, user)
    tags: list[tuple[int, int]] = field(default_factory=list)  # (record, tag id, 1-based)
    skills: list[tuple[int, int]] = field(default_factory=list)  # (user, skill index)
    inactive_users: set[int] = field(default_factory=set)

    @property
    def edges(self) -> int:
        return len(self.sources)

    def sources_of(self, record: int) -> array:
        return self.sources[self.offsets[record] : self.offsets[record + 1]]

    def ancestors(self, record: int) -> set[int]:
        """Every record reachable walking up from `record` (BFS over the CSR arrays)."""
        offsets, sources = self.offsets, self.sources
        seen: set[int] = set()
        todo = [record]
        while todo:
            node = todo.pop()
            for source in sources[offsets[node] : offsets[node + 1]]:
                if source not in seen:
                    seen.add(source)
                    todo.append(source)
        return seen

    def descendant_count(self, record: int) -> int:
        """One pass in id order: a record descends from `record` if one of its sources does."""
        offsets, sources = self.offsets, self.sources
        flag = bytearray(self.records + 1)
        flag[record] = 1
        total = 0
        for i in range(record + 1, self.records + 1):
            for source in sources[offsets[i] : offsets[i + 1]]:
                if flag[source]:
                    flag[i] = 1
                    total += 1
                    break
        return total

    def depth(self, record: int) -> int:
        """The longest chain of sources above `record` (memoised DFS over its ancestry)."""
        longest: dict[int, int] = {}
        for node in sorted(self.ancestors(record) | {record}):  # sources before remixes
            ups = self.sources_of(node)
            longest[node] = 1 + max((longest[s] for s in ups), default=-1)
        return longest[record]


def _source_count(rng: random.Random) -> int:
    """0–3 for 87.5 % of records (weighted towards 2–3), else 4 + a long tail."""
    u = rng.random()
    if u < 0.20:
        return 0
    if u < 0.35:
        return 1
    if u < 0.575:
        return 2
    if u < 0.875:
        return 3
    return min(4 + int(rng.expovariate(1 / 8.6)), 200)


def generate(records: int, users: int, seed: int = SEED) -> Graph:
    rng = random.Random(seed)
    n = records
    offsets = array("q", [0, 0])  # offsets[0] unused; record 1 starts at 0
    sources = array("q")
    owner = array("i", [0])
    kind = bytearray(1)
    originals = array("q")
    graph = Graph(n, users, offsets, sources, owner, kind)
    graph.target = n - 5

    # Chain links: CHAINS × CHAIN_DEPTH distinct ids spread over the middle of the graph.
    slots = rng.sample(range(n // 10, n * 9 // 10), CHAINS * CHAIN_DEPTH)
    previous_link: dict[int, int] = {}
    for c in range(CHAINS):
        links = sorted(slots[c * CHAIN_DEPTH : (c + 1) * CHAIN_DEPTH])
        previous_link[links[0]] = 0
        for before, link in itertools.pairwise(links):
            previous_link[link] = before
        graph.chain_tips.append(links[-1])

    def original() -> int:
        return originals[int(len(originals) * rng.random() ** 2)]  # older ones more often

    kinds = range(len(KINDS))
    for i in range(1, n + 1):
        owner.append(1 + int(users * rng.random() ** 2.5))
        kind.append(rng.choices(kinds, KIND_WEIGHTS)[0])
        chosen: list[int] = []
        if i == graph.target:
            chosen = _fan_in(graph, rng, originals)
        elif i in previous_link:
            if previous_link[i]:
                chosen.append(previous_link[i])
            chosen.extend(original() for _ in range(rng.randint(0 if chosen else 1, 2)))
        elif i > EARLY_ORIGINALS:
            k = _source_count(rng)
            recent = RECENT_HEAVY if k >= 4 else RECENT_LIGHT
            for _ in range(k):
                u = rng.random()
                if u < POPULAR_SHARE:
                    chosen.append(POPULAR)
                elif u < POPULAR_SHARE + recent:
                    chosen.append(max(1, i - 1 - int(rng.expovariate(1 / RECENT_WINDOW))))
                else:
                    chosen.append(original())
        unique = sorted(set(chosen))
        if unique:
            sources.extend(unique)
        else:
            originals.append(i)
        offsets.append(len(sources))
    _people(graph, rng)
    return graph


def _fan_in(graph: Graph, rng: random.Random, originals: array) -> list[int]:
    """FAN_IN sources: every chain tip, then remixes while the ancestry is under budget,
    originals otherwise, so the ancestry lands near TARGET_ANCESTORS."""
    chosen = list(graph.chain_tips)
    ancestry = set(chosen)
    for tip in chosen:
        ancestry |= graph.ancestors(tip)
    picked = set(chosen)
    top = len(graph.offsets) - 2  # the newest record generated so far
    while len(picked) < FAN_IN:
        remaining = FAN_IN - len(picked)
        budget = TARGET_ANCESTORS - len(ancestry) - remaining
        candidate = rng.randint(EARLY_ORIGINALS, top)
        if candidate in picked:
            continue
        ups = graph.ancestors(candidate)
        if not ups:
            continue  # originals are added below, when the budget runs out
        new = len(ups - ancestry)
        if budget <= 0 or new > budget:
            candidate = originals[rng.randrange(len(originals))]
            if candidate in picked:
                continue
            ups = set()
        picked.add(candidate)
        chosen.append(candidate)
        ancestry.add(candidate)
        ancestry |= ups
    return chosen


def _people(graph: Graph, rng: random.Random) -> None:
    """Co-creators on ~10 % of records, role and other tags, skills, a few former members."""
    users = graph.users
    for record in range(1, graph.records + 1):
        u = rng.random()
        extra = 2 if u < 0.02 else 1 if u < 0.10 else 0
        taken = {graph.owner[record]}
        for _ in range(extra):
            user = rng.randint(1, users)
            if user not in taken:
                taken.add(user)
                graph.cocreators.append((record, user))
        u = rng.random()
        if u < 0.15:
            graph.tags.append((record, 1 + rng.randrange(len(ROLE_TAGS))))
        elif u < 0.25:
            graph.tags.append((record, 1 + len(ROLE_TAGS) + rng.randrange(len(OTHER_TAGS))))
    for user in range(1, users + 1):
        for skill in sorted(rng.sample(range(len(SKILLS)), rng.randint(0, 3))):
            graph.skills.append((user, skill))
        if rng.random() < 0.01:
            graph.inactive_users.add(user)


def percentile_record(graph: Graph, fraction: float, sample: int = 2000) -> tuple[int, int, dict]:
    """A record at the `fraction` percentile of ancestor counts in a seeded sample, its
    count, and the sample's p50/p90/p99/max."""
    rng = random.Random(SEED + 1)
    ids = rng.sample(range(1, graph.records + 1), min(sample, graph.records))
    counted = sorted((len(graph.ancestors(i)), i) for i in ids if i != graph.target)

    def at(q: float) -> tuple[int, int]:
        return counted[min(len(counted) - 1, int(q * len(counted)))]

    summary = {f"p{round(q * 100)}": at(q)[0] for q in (0.5, 0.9, 0.99)}
    summary["max"] = counted[-1][0]
    count, record = at(fraction)
    return record, count, summary


@dataclass
class Facts:
    """A generated graph and what the report states about it, found by walking it here."""

    graph: Graph
    generate_s: float
    target_ancestors: int
    target_depth: int
    p90: int
    p90_ancestors: int
    sample: dict[str, int]
    popular_descendants: int
    outsider: int


def generate_with_facts(records: int, users: int) -> Facts:
    print(f"Generating {records:,} records", flush=True)
    start = time.perf_counter()
    g = generate(records, users)
    generate_s = time.perf_counter() - start
    target_ancestors = len(g.ancestors(g.target))
    p90, p90_ancestors, sample = percentile_record(g, 0.9)
    facts = Facts(
        graph=g,
        generate_s=generate_s,
        target_ancestors=target_ancestors,
        target_depth=g.depth(g.target),
        p90=p90,
        p90_ancestors=p90_ancestors,
        sample=sample,
        popular_descendants=g.descendant_count(g.popular),
        outsider=g.records,  # the newest record: nothing cites it
    )
    print(
        f"  {g.edges:,} edges in {generate_s:.1f} s; target #{g.target}: "
        f"{target_ancestors:,} ancestors, depth {facts.target_depth}; p90 #{p90}: "
        f"{p90_ancestors}; sample {sample}; popular #{g.popular}: "
        f"{facts.popular_descendants:,} descendants",
        flush=True,
    )
    return facts


# --- rows ----------------------------------------------------------------------------

BASE = datetime(2024, 1, 1)
SECONDS_APART = 30  # record i was made at BASE + 30 s × i
# The tables the graph fills, in load order (foreign keys point backwards).
TABLES = {
    "accounts_user": USER,
    "accounts_memberskill": words("id skill user_id"),
    "records_record": RECORD,
    "records_tag": words("id name"),
    "records_record_tags": words("id record_id tag_id"),
    "records_cocreator": words("id state invited_at responded_at user_id record_id"),
    "lineage_source": SOURCE,
}
ADJECTIVES = words(
    "quiet bright broken golden hollow late northern paper red slow small summer tidal "
    "velvet wild winter electric distant"
)
NOUNS = words(
    "river loop portrait song garden machine letter harbour dance signal window field echo "
    "map choir lantern orbit sketch tape"
)


def stamps(records: int, suffix: str) -> Stamps:
    """Timestamps for records 0 … `records` (`Stamps.at(SECONDS_APART × record)`)."""
    return Stamps(BASE, suffix, days=records * SECONDS_APART // 86400 + 2)


def title(record: int) -> str:
    adjective = ADJECTIVES[record % len(ADJECTIVES)].capitalize()
    return f"{adjective} {NOUNS[record // len(ADJECTIVES) % len(NOUNS)]} {record}"


def table_rows(g: Graph, table: str, suffix: str) -> Iterator[tuple]:
    """The rows of one table, as tuples in TABLES' column order."""
    at = stamps(g.records, suffix)

    def of(r: int) -> str:
        return at.at(r * SECONDS_APART)

    if table == "accounts_user":
        for u in range(1, g.users + 1):
            active = u not in g.inactive_users
            yield bulkload.member(u, f"member{u}", f"Member {u}", of(0), active=active)
    elif table == "accounts_memberskill":
        for n, (user, skill) in enumerate(g.skills, 1):
            yield n, SKILLS[skill], user
    elif table == "records_record":
        for r in range(1, g.records + 1):
            yield bulkload.record(r, KINDS[g.kind[r]], title(r), of(r), g.owner[r])
    elif table == "records_tag":
        yield from enumerate((*ROLE_TAGS, *OTHER_TAGS), 1)
    elif table == "records_record_tags":
        for n, (r, tag) in enumerate(g.tags, 1):
            yield n, r, tag
    elif table == "records_cocreator":
        for n, (r, user) in enumerate(g.cocreators, 1):
            yield n, "accepted", of(r), of(r), user, r
    elif table == "lineage_source":
        offsets, sources, n = g.offsets, g.sources, 0
        for r in range(1, g.records + 1):
            start, end = offsets[r], offsets[r + 1]
            if start == end:
                continue
            made, by, owner = of(r), g.owner[r], g.owner
            for cited in sources[start:end]:
                n += 1
                kind = "inspired_by" if n % 5 == 0 else "uses"
                yield bulkload.source(n, kind, "n", made, by, r, cited, owner[cited])
