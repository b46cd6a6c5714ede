"""The data of bench/projects.py: one open call with 5,000 entries, seeded, as rows for
bench/bulkload.py, and what its review grid and entries API must show from them.

2,000 members, 5,000 public image records, each with a ready current version and its two
thumbnails (rows only: no files are needed to draw the grid), one open project owned by
the **leader** (with two co-leaders), one open call, and 5,000 entries, one per record,
by the records' owners, in a mix of states, ~45 % scored by one to three leaders.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bulkload
from bulkload import RECORD, USER, VERSION, words

SEED = 5
MEMBERS = 2000
ENTRIES = 5000
REVIEW_PAGE = 48  # ensemble.projects.views.review.REVIEW_PAGE (checked in the child)
API_LIMIT = 50
PAGE = 50  # the page measured after the first
LEADER, CO_LEADERS = 1, (2, 3)
FIRST_MEMBER = 4  # members are users FIRST_MEMBER … FIRST_MEMBER + MEMBERS - 1
PROJECT, CALL = 1, 1
BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
STATES = ("submitted", "shortlisted", "declined", "withdrawn", "selected")
STATE_WEIGHTS = (80, 12, 6, 2, 0)  # plus SELECTED entries chosen below
SELECTED = 3
SCORE_COUNTS = (0, 1, 2, 3)
SCORE_WEIGHTS = (55, 25, 12, 8)
# In load order; records and versions point at each other (deferred foreign keys).
TABLES = {
    "accounts_user": USER,
    "records_record": RECORD,
    "records_version": VERSION,
    "records_rendition": words("id role file content_type size width height version_id"),
    "projects_project": words(
        "id slug title description description_html status created_at updated_at cover_id "
        "owner_id pass_through_bp hidden_reason"
    ),
    "projects_leader": words("id added_at added_by_id user_id project_id"),
    "projects_stage": words("id position name state project_id"),
    "projects_call": words(
        "id title brief brief_html accepted_kinds deadline requires_resources "
        "max_entries_per_person visibility blind_review status created_at event_code "
        "brief_record_id created_by_id project_id stage_id skills event_mode"
    ),
    "projects_entry": words(
        "id state created_at updated_at score_count score_total call_id entrant_id record_id"
    ),
    "projects_score": words("id value updated_at entry_id reviewer_id"),
}
STAGES = ("Writing", "Illustration", "Animation", "Score", "Edit")
ADJECTIVES = ("Turnip", "Buttoned", "Prim", "Proper", "Velvet", "Paper", "Quiet", "Northern")
NOUNS = ("head", "gentleman", "portrait", "sketch", "study", "figure", "profile", "walk")


@dataclass
class Data:
    """What the generator made, and what the pages must show from it."""

    entrant: list[int]  # entry i (1-based) → its entrant, also its record's owner
    state: list[str]
    scores: list[list[tuple[int, int]]]  # entry i → [(reviewer, value)]

    @classmethod
    def generate(cls) -> Data:
        rng = random.Random(SEED)
        entrant = [0] + [FIRST_MEMBER + rng.randrange(MEMBERS) for _ in range(ENTRIES)]
        state = ["", *rng.choices(STATES, STATE_WEIGHTS, k=ENTRIES)]
        for i in rng.sample(range(1, ENTRIES + 1), SELECTED):
            state[i] = "selected"
        reviewers = (LEADER, *CO_LEADERS)
        scores: list[list[tuple[int, int]]] = [[]]
        for _ in range(ENTRIES):
            k = rng.choices(SCORE_COUNTS, SCORE_WEIGHTS)[0]
            scores.append([(r, rng.randint(1, 5)) for r in reviewers[:k]])
        return cls(entrant, state, scores)

    def review_ids(self, page: int) -> list[int]:
        """The entry ids of a review page: least scored first, then by id."""
        order = sorted(range(1, ENTRIES + 1), key=lambda i: (len(self.scores[i]), i))
        return order[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE]

    @staticmethod
    def api_ids(page: int) -> list[int]:
        """The entry ids of an API page: newest first."""
        top = ENTRIES - (page - 1) * API_LIMIT
        return list(range(top, top - API_LIMIT, -1))

    @property
    def entrants(self) -> int:
        return len(set(self.entrant[1:]))

    @property
    def scored(self) -> int:
        return sum(1 for s in self.scores[1:] if s)

    @property
    def score_rows(self) -> int:
        return sum(len(s) for s in self.scores)


def stamp(moment: datetime, suffix: str) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") + suffix


def table_rows(d: Data, table: str, suffix: str) -> Iterator[tuple]:
    """The rows of one table, as tuples in TABLES' column order."""
    at = stamp(BASE, suffix)
    if table == "accounts_user":
        people = [(LEADER, "leader", "Lea Leader")]
        people += [(u, f"coleader{n}", f"Co-leader {n}") for n, u in enumerate(CO_LEADERS, 1)]
        members = range(FIRST_MEMBER, FIRST_MEMBER + MEMBERS)
        people += [(u, f"member{u}", f"Member {u}") for u in members]
        for uid, username, name in people:
            yield bulkload.member(uid, username, name, at, verified=at)
    elif table == "records_record":
        for i in range(1, ENTRIES + 1):
            made = stamp(BASE + timedelta(minutes=i), suffix)
            title = f"{ADJECTIVES[i % 8]} {NOUNS[i // 8 % 8]} {i}"
            yield bulkload.record(i, "image", title, made, d.entrant[i], versions=1, current=i)
    elif table == "records_version":
        for i in range(1, ENTRIES + 1):
            made = stamp(BASE + timedelta(minutes=i), suffix)
            yield bulkload.ready_picture(i, f"sketch-{i}.jpg", made, d.entrant[i])
    elif table == "records_rendition":
        for i in range(1, ENTRIES + 1):
            yield 2 * i - 1, "thumb_small", "thumb_small.webp", "image/webp", 24_000, 480, 320, i
            yield 2 * i, "thumb_large", "thumb_large.webp", "image/webp", 180_000, 1600, 1067, i
    elif table == "projects_project":
        yield (
            PROJECT,
            "the-man-with-a-turnip-for-a-head",
            "The Man With a Turnip for a Head",
            "A short film.",
            "<p>A short film.</p>",
            "open",
            at,
            at,
            None,
            LEADER,
            5_000,
            "",
        )
    elif table == "projects_leader":
        for n, user in enumerate(CO_LEADERS, 1):
            yield n, at, LEADER, user, PROJECT
    elif table == "projects_stage":
        for n, name in enumerate(STAGES, 1):
            yield n, n - 1, name, "active" if name == "Illustration" else "upcoming", PROJECT
    elif table == "projects_call":
        deadline = stamp(datetime.now(UTC) + timedelta(days=30), suffix)
        yield (
            CALL,
            "Design the main character",
            "Prim, proper, buttoned-up; his head is a turnip.",
            "<p>Prim, proper, buttoned-up; his head is a turnip.</p>",
            '["image"]',
            deadline,
            False,
            10_000,
            "open",
            False,
            "open",
            at,
            "benchcall001",
            None,
            LEADER,
            PROJECT,
            2,
            '["illustration"]',
            False,
        )
    elif table == "projects_entry":
        for i in range(1, ENTRIES + 1):
            made = stamp(BASE + timedelta(minutes=i, seconds=30), suffix)
            s = d.scores[i]
            yield i, d.state[i], made, made, len(s), sum(v for _, v in s), CALL, d.entrant[i], i
    elif table == "projects_score":
        n = 0
        for i in range(1, ENTRIES + 1):
            for reviewer, value in d.scores[i]:
                n += 1
                yield n, value, stamp(BASE + timedelta(days=3, minutes=i), suffix), i, reviewer
