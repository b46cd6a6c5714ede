"""The data of bench/community.py, generated and seeded: members, records with text,
tags, lineage and follows, and what the feed and search must show from them.

100,000 members (60 % of them creators, records spread by weights 1/√rank), 1,000,000
records over 15 months (3 % drafts) with generated text (titles of 2–5 words,
descriptions of 8–48, from a Zipf-distributed vocabulary of ~30,000 words), 0–4 tags
each, a quarter of them citing 1–2 older records (lineage edges), ~1,000,000 follows.
The **reader** (member 1) owns 40 records, each remixed by 8 others, and follows 500
people drawn by how much they publish. The **common word** ("river") is put in 10 % of
the records and bios, the **rare word** ("marigold") in 12 records; no other word starts
with either (both engines treat the last word of a query as a prefix).
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bulkload import words
from harness import BenchError

SEED = 20261127
RECORDS, MEMBERS = 1_000_000, 100_000
QUICK_RECORDS, QUICK_MEMBERS = 100_000, 10_000
CREATOR_SHARE = 0.6  # members who published at least one record
DRAFT_SHARE = 0.03
REMIX_SHARE = 0.25  # records citing 1–2 older records
RECENT_SOURCES = 50_000  # most citations reach at most this many records back
READER = 1
READER_RECORDS = 40
REMIXES_PER_READER_RECORD = 8
FOLLOWED = 500  # people the reader follows
FOLLOWS_MEAN = 10  # people every other member follows, on average
PROJECTS, FOLLOWED_PROJECTS, UPDATES_PER_PROJECT = 30, 20, 3
COMMON, COMMON_SHARE = "river", 0.10
RARE, RARE_DOCS = "marigold", 12
BASE = datetime(2025, 6, 1, tzinfo=UTC)  # record r is published at BASE + STEP × r
STEP = 40  # seconds; 1,000,000 records span 463 days
JOINED_BEFORE = 365 * 86400  # members joined in the year before BASE
KINDS = ("text", "image", "audio", "video", "other")
KIND_WEIGHTS = (20, 35, 30, 10, 5)
TAG_COUNTS, TAG_WEIGHTS = (0, 1, 2, 3, 4), (35, 30, 20, 10, 5)
BIO_SHARE = 0.4

# --- words ---------------------------------------------------------------------------

STOP = words("the a of and in with for on to from at by is my our this after before into over")
REAL = words("""light night song dream city road blue garden winter summer ocean forest shadow
mirror glass paper stone fire rain snow wind moon sun star house window door street train
station harbour bridge island mountain valley field meadow orchard lantern candle echo
signal static noise drum bass guitar piano violin choir voice whisper story letter poem
chapter verse frame sketch portrait figure study colour green red golden silver black
white grey velvet wild quiet slow bright broken hollow late early northern southern
distant electric tidal small little old new first last long short soft loud deep open
lost found hidden secret empty full warm cold sweet bitter strange gentle restless
endless morning evening midnight autumn spring season weather cloud storm thunder sky
horizon shore wave tide sand salt water lake pond stream creek fountain rooftop balcony
kitchen table chair clock machine engine motor wheel circle loop spiral map atlas
compass journey walk dance waltz ballad lullaby anthem hymn chorus refrain melody rhythm
beat tempo groove texture pattern shape form layer stem sample remix cover edit cut take
draft demo session tape vinyl film scene shot still photo camera lens focus ink pencil
charcoal watercolour oil canvas print collage mosaic thread fabric clay wood iron copper
bronze marble feather bird fox wolf deer horse whale moth bee flower rose lily tulip
willow oak pine cedar fern moss seed root leaf branch bloom harvest bread honey wine tea
coffee smoke dust ash ember spark flame glow shine shimmer flicker fade rise fall return
departure arrival home away between beyond under inside outside together alone friend
stranger mother father child sister brother king queen ghost angel giant robot animal
monster hero villain traveller sailor dancer singer painter writer keeper maker""")
TAGS = words("""ambient acoustic animation illustration photography poetry fiction essay synth
piano guitar vocals drums loop sample stem watercolour ink charcoal portrait landscape
abstract collage comic storyboard character concept sketch lyrics score soundtrack
documentary short experimental folk jazz electronic orchestral choral lofi noise drone
techno house hiphop spoken narrative fantasy scifi horror comedy drama children nature
urban night winter summer ocean forest city travel memory family dream dance typography
logo poster pattern texture pixel vector stopmotion claymation puppet theatre radio
podcast interview translation remix cover demo instrumental acapella beat bass strings
brass woodwind percussion ukulele harp cello violin flute saxophone trumpet organ choir
duet ballad lullaby anthem hymn waltz tango blues rock punk metal pop soul funk reggae
gospel opera""")
FIRST = words("""Ada Alba Amir Ana Ari Bea Ben Cai Cleo Dana Dev Eli Ema Enzo Eva Fin Gia Hana
Ida Ines Ivo Jae Jo Kai Kit Lea Leo Lin Luz Mae Mai Max Mia Nia Nils Noa Ola Omar Pia
Raf Ren Rio Sam Sol Tao Tea Teo Uma Val Vera Wen Yara Yui Zoe Zeno""")
LAST = words("""Abara Bauer Castro Dubois Eriksen Fontaine Garcia Haddad Ito Jansen Kowalski
Laine Moreau Nakamura Okafor Petrov Quist Rossi Silva Tanaka Ueda Varga Weber Xu Yilmaz
Zhang Alves Brennan Costa Diaz Evans Fischer Gomez Horvat Iqbal Jovanovic Kim Lopez
Mensah Novak Olsen Park Quinn Reyes Sato Torres Vidal Walsh Young Zeller""")
SYLLABLES = words("""ba be bi bo ca co da de di do fa fe fi ga go ka ke ki ko la le li lo lu ma
me mi mo mu na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi
vo za zo mar len tor van sil dor kan mel ner tis""")
PSEUDO_WORDS = 30_000


def zipf(n: int) -> list[float]:
    """Cumulative Zipf–Mandelbrot weights for ranks 0 … n-1."""
    return list(itertools.accumulate(1 / (rank + 2.7) ** 1.07 for rank in range(n)))


def vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    """(title words, body words), most frequent first: real words, then generated ones."""
    reserved = {*STOP, *REAL}
    pseudo: list[str] = []
    seen: set[str] = set()
    while len(pseudo) < PSEUDO_WORDS:
        word = "".join(rng.choices(SYLLABLES, k=rng.choice((2, 2, 3, 3, 4))))
        if word in seen or word in reserved or word.startswith((COMMON, RARE)):
            continue
        seen.add(word)
        pseudo.append(word)
    real = list(REAL)
    rng.shuffle(real)
    return real + pseudo, [*STOP, *real, *pseudo]


def check_words() -> None:
    """No word the generator uses may start with the measured ones (prefix queries)."""
    for word in (*STOP, *REAL, *TAGS, *FIRST, *LAST, *SYLLABLES):
        if word.lower().startswith((COMMON, RARE)):
            raise BenchError(f"The word list has {word!r}, which matches {COMMON!r}/{RARE!r}")


# --- the data ------------------------------------------------------------------------


@dataclass
class World:
    """What the generator made, and what the feed and search must show from it."""

    records: int
    members: int
    owner: list[int]  # record → member (index 0 unused)
    kind: bytearray  # record → index in KINDS
    public: bytearray  # record → 1 public, 0 draft
    title: list[str]
    description: list[str]
    tags: list[tuple[int, ...]]  # record → tag ids (1-based, into TAGS)
    edges: list[tuple[int, int]]  # (derived, source), sorted; edge id = index + 1
    names: list[str]  # member → display name
    bios: list[str]
    follows: list[tuple[int, int]]  # (follower, person), the reader's first
    followed: list[int]
    creators: int
    cites_reader: set[int] = field(default_factory=set)
    common_docs: int = 0
    rare_docs: list[int] = field(default_factory=list)  # record ids
    generate_s: float = 0.0

    @property
    def public_records(self) -> int:
        return sum(self.public)

    @property
    def documents(self) -> int:
        return self.public_records + self.members

    @property
    def tag_rows(self) -> int:
        return sum(len(t) for t in self.tags)

    @classmethod
    def generate(cls, records: int, members: int) -> World:
        start = time.perf_counter()
        check_words()
        rng = random.Random(SEED)
        title_words, body_words = vocabulary(rng)
        title_cw, body_cw = zipf(len(title_words)), zipf(len(body_words))

        # Owners: every creator has a record, the rest by 1/√rank; the reader 40, spread.
        others = list(range(2, members + 1))
        creators = rng.sample(others, int(len(others) * CREATOR_SHARE))
        ranked = creators[:]
        rng.shuffle(ranked)
        rank_cw = list(itertools.accumulate(1 / (r + 1) ** 0.5 for r in range(len(ranked))))
        owners = creators + rng.choices(
            ranked, cum_weights=rank_cw, k=records - len(creators) - READER_RECORDS
        )
        rng.shuffle(owners)
        reader_ids = {int((i + 0.5) * records / READER_RECORDS) for i in range(READER_RECORDS)}
        owner = [0] * (records + 1)
        it = iter(owners)
        for r in range(1, records + 1):
            owner[r] = READER if r in reader_ids else next(it)
        kind = bytearray(rng.choices(range(len(KINDS)), KIND_WEIGHTS, k=records + 1))
        public = bytearray(0 if rng.random() < DRAFT_SHARE else 1 for _ in range(records + 1))
        public[0] = 0
        for r in reader_ids:
            public[r] = 1

        # Text: titles and descriptions; the common word in 10 % of the records.
        title, description = [""], [""]
        tags: list[tuple[int, ...]] = [()]
        common_docs = 0
        choices, randint, rand = rng.choices, rng.randint, rng.random
        tag_ids = range(1, len(TAGS) + 1)
        for r in range(1, records + 1):
            n = choices((2, 3, 4, 5), (25, 35, 25, 15))[0]
            words = choices(title_words, cum_weights=title_cw, k=n)
            body = choices(body_words, cum_weights=body_cw, k=randint(8, 48))
            if rand() < COMMON_SHARE:
                if rand() < 0.3:
                    words.insert(randint(0, len(words)), COMMON)
                else:
                    body.insert(randint(0, len(body)), COMMON)
                common_docs += public[r]
            title.append(" ".join(words).capitalize())
            description.append(" ".join(body).capitalize() + ".")
            n = choices(TAG_COUNTS, TAG_WEIGHTS)[0]
            tags.append(tuple(sorted(rng.sample(tag_ids, n))) if n else ())
        rare_docs = sorted(rng.sample([r for r in range(1, records + 1) if public[r]], RARE_DOCS))
        for r in rare_docs:
            description[r] = description[r][:-1] + f" {RARE}."

        # Lineage: a quarter of the records cite 1–2 older ones, mostly recent.
        cites: dict[int, set[int]] = {}
        for r in range(2, records + 1):
            if rand() >= REMIX_SHARE:
                continue
            picked: set[int] = set()
            for _ in range(1 if rand() < 0.7 else 2):
                if rand() < 0.7:
                    s = r - randint(1, min(r - 1, RECENT_SOURCES))
                else:
                    s = randint(1, r - 1)
                if owner[s] == READER and any(owner[x] == READER for x in picked):
                    continue  # at most one of the reader's: the feed dedupes within a page only
                picked.add(s)
            cites[r] = picked
        for rr in sorted(reader_ids):
            hi = min(records, rr + 200_000)
            made = tries = 0
            while made < REMIXES_PER_READER_RECORD and rr < hi and tries < 10_000:
                tries += 1
                d = randint(rr + 1, hi)
                if not public[d] or owner[d] == READER:
                    continue
                if any(owner[s] == READER for s in cites.get(d, ())):
                    continue
                cites.setdefault(d, set()).add(rr)
                made += 1
        edges = [(d, s) for d in sorted(cites) for s in sorted(cites[d])]
        cites_reader = {d for d, s in edges if owner[s] == READER}

        # Members: names, bios (the common word in some), follows.
        names = [""] + [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(members)]
        names[READER] = "Rae Reader"
        bios = [""]
        for _ in range(members):
            if rand() < BIO_SHARE:
                body = choices(body_words, cum_weights=body_cw, k=randint(5, 40))
                if rand() < COMMON_SHARE / BIO_SHARE:
                    body.insert(randint(0, len(body)), COMMON)
                    common_docs += 1
                bios.append(" ".join(body).capitalize() + ".")
            else:
                bios.append("")
        published = [0] * (members + 1)
        for r in range(1, records + 1):
            published[owner[r]] += public[r]
        # The reader follows 500 people, drawn by how much they publish (weighted
        # sampling without replacement: the largest random()^(1/weight) keys).
        keyed = sorted(
            ((rand() ** (1 / published[u]) if published[u] else 0.0, u) for u in creators),
            reverse=True,
        )
        followed = sorted(u for _, u in keyed[:FOLLOWED])
        follows = [(READER, u) for u in followed]
        creator_cw = list(itertools.accumulate(published[u] for u in creators))
        for u in range(2, members + 1):
            k = min(int(rng.expovariate(1 / FOLLOWS_MEAN)), 300)
            picked = set(choices(creators, cum_weights=creator_cw, k=k)) - {u}
            follows.extend((u, p) for p in sorted(picked))
        world = cls(
            records,
            members,
            owner,
            kind,
            public,
            title,
            description,
            tags,
            edges,
            names,
            bios,
            follows,
            followed,
            len(creators),
        )
        world.cites_reader = cites_reader
        world.common_docs = common_docs
        world.rare_docs = rare_docs
        world.generate_s = time.perf_counter() - start
        return world

    # -- what the feed must show (records and remixes; projects are added in the child)

    def record_stream(self, limit: int) -> list[list[int]]:
        """[seconds after BASE, kind index, key, record] of the newest `record` items."""
        f = set(self.followed)
        out = []
        for r in range(self.records, 0, -1):
            if self.public[r] and self.owner[r] in f and r not in self.cites_reader:
                out.append([r * STEP, 0, r, r])
                if len(out) == limit:
                    break
        return out

    def remix_stream(self) -> list[list[int]]:
        out = []
        for n, (d, s) in enumerate(self.edges, 1):
            if self.owner[s] == READER and self.public[d] and self.owner[d] != READER:
                out.append([d * STEP, 1, n, d])
        return sorted(out, reverse=True)

    def followed_records(self) -> int:
        f = set(self.followed)
        return sum(1 for r in range(1, self.records + 1) if self.public[r] and self.owner[r] in f)

    def reader_remixes(self) -> tuple[int, int]:
        """(remixes of the reader's records by others, of which by people followed)."""
        f = set(self.followed)
        found = [
            d
            for d, s in self.edges
            if self.owner[s] == READER and self.public[d] and self.owner[d] != READER
        ]
        return len(found), sum(1 for d in found if self.owner[d] in f)

    def words_per_record(self) -> float:
        pairs = zip(self.title[1:], self.description[1:], strict=True)
        return sum(len(t.split()) + len(d.split()) for t, d in pairs) / self.records

    def project_times(self) -> list[int]:
        """Seconds after BASE for the projects' updates and calls (UPDATES_PER_PROJECT + 1
        per project), in the last fifth of the records' timeline, never on a record's
        second (so no ties with records in the feed's order)."""
        rng = random.Random(f"{SEED}-projects")
        lo = self.records * 4 // 5
        picks = rng.sample(range(lo, self.records), PROJECTS * (UPDATES_PER_PROJECT + 1))
        return [p * STEP + 7 for p in picks]
