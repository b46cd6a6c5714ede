"""Relevance on its own (`index.find`): a title holding the words beats a body or tags
holding them, the words together beat the words scattered, and among equals a common
word still ranks by relevance before age. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ensemble.search import index
from ensemble.search.models import Document

pytestmark = pytest.mark.django_db

FILLER = " ".join(["the night was long and the garden was quiet under the moon"] * 25)


def age(object_id: int, days: int) -> None:
    Document.objects.filter(kind="record", object_id=object_id).update(
        updated_at=timezone.now() - timedelta(days=days)
    )


def order(query: str) -> list[int]:
    return [hit.object_id for hit in index.find(query)]


def test_a_title_beats_tags_and_body_even_when_long_and_older():
    # The demo's case: a poem titled with the word, long and the oldest, against short
    # drawings tagged with it (FTS5's bm25 divides by the length of the whole row).
    index.put("record", 1, title="The man with a turnip for a head", body=FILLER + " turnip.")
    age(1, 150)
    for n in range(2, 8):
        index.put("record", n, title=f"Sketch of a man {n}", tags="character turnip")
    index.put("record", 9, title="Evening", body="A turnip in the garden.")
    assert order("turnip")[0] == 1
    assert order("turnip")[-1] == 9  # body only, longer than the tags


def test_a_title_holding_every_word_beats_a_title_holding_some():
    index.put("record", 1, title="Turnip", body="A head, drawn in ink.")
    index.put("record", 2, title="Turnip head", body="Ink.")
    age(2, 300)
    assert order("turnip head") == [2, 1]


def test_the_words_together_beat_the_words_scattered():
    index.put(
        "record", 1, title="Notes", body="He wore his turnip head to church on Sunday, " + FILLER
    )
    age(1, 200)
    index.put("record", 2, title="Notes", body="Head down, he ate a turnip.")
    index.put("record", 3, title="More notes", body="A head. A turnip. Also a head.")
    assert order("turnip head")[0] == 1
    assert set(order("turnip head")) == {1, 2, 3}
    # the last word is still a prefix, together too
    assert order("turnip hea")[0] == 1


def test_a_phrase_in_the_title_beats_the_same_words_scattered_in_another_title():
    index.put("record", 1, title="Head of the turnip league", body="x")
    index.put("record", 2, title="A turnip head, take one", body="x")
    age(2, 100)
    assert order("turnip head") == [2, 1]


def test_among_equals_the_newer_comes_first_whatever_the_word():
    for n in range(1, 40):  # a word in every document: its weight in bm25 is tiny
        index.put("record", n, title=f"Turnip number {n}", body="turnip")
        age(n, 40 - n)
    assert order("turnip")[:3] == [39, 38, 37]
