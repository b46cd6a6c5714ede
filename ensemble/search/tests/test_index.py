"""The full-text index on its own: found, ranked, highlighted, escaped, replaced, dropped;
hostile queries answered without an error. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from ensemble.search import index

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs():
    index.put(
        "record",
        1,
        title="The turnip head",
        body="A prim man whose head is a turnip.",
        tags="turnip comedy",
        subkind="text",
    )
    index.put(
        "record", 2, title="Rain", body="It rains on the turnip fields all night.", subkind="image"
    )
    index.put("project", 3, title="Turnip films", body="Short films about vegetables.")
    index.put("record", 4, title="Secret turnip", body="draft", public=False)


def test_every_word_must_match_and_titles_rank_first(docs):
    hits = index.find("turnip")
    assert (hits[0].kind, hits[0].object_id) in {("record", 1), ("project", 3)}
    assert {(h.kind, h.object_id) for h in hits} == {("record", 1), ("record", 2), ("project", 3)}
    assert [h.object_id for h in index.find("turnip rains")] == [2]
    assert [h.object_id for h in index.find("turn")] != []  # the last word is a prefix


def test_filters_by_type_and_kind(docs):
    assert [h.object_id for h in index.find("turnip", kind="project")] == [3]
    assert [h.object_id for h in index.find("turnip", kind="record", subkind="image")] == [2]


def test_matches_are_marked_and_everything_else_escaped():
    index.put("record", 9, title="<script>alert(1)</script> turnip", body="x")
    (hit,) = index.find("turnip")
    assert "<script>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert "<mark>turnip</mark>" in hit.title_html


def test_private_documents_are_never_found_and_replacing_and_dropping_work(docs):
    assert 4 not in {h.object_id for h in index.find("secret")}
    index.put("record", 2, title="Sunshine", body="Dry fields.")
    assert 2 not in {h.object_id for h in index.find("rains")}
    assert [h.object_id for h in index.find("sunshine")] == [2]
    index.drop("record", 2)
    index.drop("record", 2)  # twice is fine
    assert index.find("sunshine") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"turnip',
        "turnip*",
        "*",
        "NEAR(turnip rain)",
        "turnip OR",
        "((turnip",
        ")",
        "AND",
        "-turnip",
        "turnip:*",
        "a & | ! b",
        "'",
        "\\",
        "%_",
        "NOT",
        "\x00",
        "title:turnip",
        "😀",
    ],
)
def test_hostile_queries_answer_without_an_error(docs, query):
    hits = index.find(query)
    assert all(h.kind in {"record", "project"} for h in hits)
    assert all(h.object_id != 4 for h in hits)
