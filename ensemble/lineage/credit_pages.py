"""A credit roll as it is shown: its sections as plain data (what the API answers and a
release stores), and one page of it for the credits page, cached per viewer class like
the roll itself (`credits.cached_for_viewer`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ensemble.lineage.credits import CreditRoll, Person, Section, cached_for_viewer

PEOPLE_PER_PAGE = 40  # on the credits page: the JSON and JSON-LD name everyone at once
RECORDS_PER_PERSON = 6  # named beside a person on the page; the rest are counted
MAX_PAGES = 1_000  # 40,000 people: three times the biggest lineage at a million records


def sections_data(roll: CreditRoll, *, user_ids: bool = False) -> list[dict[str, Any]]:
    """The roll's sections as plain data: what the API answers (no user ids) and what a
    release stores (`user_ids=True`)."""
    return [
        {
            "key": section.key,
            "title": section.title,
            "roles": [
                {
                    "role": role,
                    "heading": heading,
                    "people": [
                        {
                            **({"user_id": p.user_id} if user_ids else {}),
                            "username": p.username,
                            "name": p.name,
                            "records": [
                                {
                                    "id": r.id,
                                    "title": r.title,
                                    "removed": r.removed,
                                    "hidden": r.hidden,
                                }
                                for r in p.records
                            ],
                        }
                        for p in people
                    ],
                }
                for role, heading, people in section.groups
            ],
        }
        for section in roll.sections
    ]


@dataclass
class RollPage:
    """One page of a credit roll, for the credits page: a big production credits
    thousands of people for 12,000 records, more than a page can show. Its people come
    in the roll's order and grouped as the roll is (a page may begin in the middle of a
    role); beside each person at most RECORDS_PER_PERSON records, and how many more."""

    sections: list[Section]
    number: int
    pages: int
    record_count: int  # of the whole roll
    people_count: int


def roll_page(roll: CreditRoll, number: int) -> RollPage:
    """Page `number` (from 1; past the last, the last) of the roll."""
    entries = [
        (section, role, person)
        for section in roll.sections
        for role, _, people in section.groups
        for person in people
    ]
    pages = max(1, -(-len(entries) // PEOPLE_PER_PAGE))
    number = max(1, min(number, pages))
    sections: dict[str, Section] = {}
    start = (number - 1) * PEOPLE_PER_PAGE
    for section, role, person in entries[start : start + PEOPLE_PER_PAGE]:
        part = sections.setdefault(section.key, Section(section.key, section.title))
        shown = person.records[:RECORDS_PER_PERSON]
        part.roles.setdefault(role, []).append(
            Person(
                person.user_id,
                person.username,
                person.name,
                shown,
                unlisted=len(person.records) - len(shown),
            )
        )
    return RollPage(
        sections=list(sections.values()),
        number=number,
        pages=pages,
        record_count=roll.record_count,
        people_count=roll.people_count,
    )


def cached_roll_page(record_id: int, viewer: Any, number: int) -> RollPage:
    """`roll_page` of the roll this viewer gets (`cached_for_viewer`)."""
    return cached_for_viewer(
        record_id, viewer, f"page:{number}", lambda roll, _: roll_page(roll, number)
    )
