"""Members' shared fragments (core/fragments.py), through the part that uses them first:
a record's comment thread. A fragment is kept for every member alike, so the tests are
about who must not get it: its authors, who see "edit or delete" on their comments; a
member's CSRF token, which must be their own; and a write, after which nobody gets the
old one. Writes are committed as the site commits them (`committed`), so that the
generation is renewed as it is outside a test."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from ensemble.community.services import comments, lists
from ensemble.core import fragments
from ensemble.core.tests.fragmenting import committed, same_page
from ensemble.lineage import present
from ensemble.lineage import services as lineage
from ensemble.records.testing import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragments_on")]


@pytest.fixture
def poem(alice, bob):
    def make():
        record = make_record(alice, text="Salt on the window", title="Harbour poem", publish=True)
        comments.add(bob, record, "Bob's first thought")
        comments.add(alice, record, "Alice answers")
        return record

    return committed(make)


def page_as(user, path):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client, client.get(path)


def test_a_member_gets_the_thread_kept_for_every_member(poem, carol, django_assert_num_queries):
    _, first = page_as(carol, f"/records/{poem.pk}")
    assert b"first thought" in first.content
    assert b"Edit or delete" not in first.content  # carol wrote none of them
    _, again = page_as(carol, f"/records/{poem.pk}")
    assert again.content.count(b"Your reply") == 2
    assert fragments.CSRF.value.encode() not in again.content


def test_the_kept_parts_save_their_queries(poem, carol, dave, django_assert_max_num_queries):
    page_as(carol, f"/records/{poem.pk}")  # kept now
    client = Client()
    client.force_login(dave)
    with django_assert_max_num_queries(100) as kept:
        client.get(f"/records/{poem.pk}")
    fragments_off = Client()
    fragments_off.force_login(dave)
    with (
        override_settings(FRAGMENT_CACHE_SECONDS=0),
        django_assert_max_num_queries(100) as rendered,
    ):
        fragments_off.get(f"/records/{poem.pk}")
    # The thread's two statements (comments, replies) and the lineage panel's are not
    # made; the generation's and the check for dave's drafts are.
    assert len(kept) <= len(rendered) - 3


def test_each_member_gets_their_own_csrf_token_and_it_works(poem, carol, dave):
    page_as(carol, f"/records/{poem.pk}")  # kept with carol's request
    client, page = page_as(dave, f"/records/{poem.pk}")
    reply_form = re.search(
        rb'value="([^"]+)">\s*<input type="hidden" name="target"[^\n]*reply_to', page.content
    )
    assert reply_form is not None
    reply_to = poem_comment_id(poem)
    posted = client.post(
        "/comments",
        {
            "target": "record",
            "target_id": poem.pk,
            "reply_to": reply_to,
            "body": "Dave agrees",
            "csrfmiddlewaretoken": reply_form.group(1).decode(),
        },
    )
    assert posted.status_code == 302  # not 403: the token in the kept reply form is dave's


def poem_comment_id(poem):
    return comments.Comment.objects.on(poem).order_by("pk").first().pk


def test_an_author_gets_edit_on_their_own_comment_not_the_kept_one(poem, bob, carol):
    page_as(carol, f"/records/{poem.pk}")
    _, page = page_as(bob, f"/records/{poem.pk}")
    assert page.content.count(b"Edit or delete") == 1  # his, not alice's
    assert b"Bob&#x27;s first thought</textarea>" in page.content


def test_a_new_comment_is_seen_at_once(poem, carol, dave):
    page_as(carol, f"/records/{poem.pk}")
    committed(lambda: comments.add(dave, poem, "Dave was here"))
    _, page = page_as(carol, f"/records/{poem.pk}")
    assert b"Dave was here" in page.content


def test_a_deleted_comment_is_gone_at_once(poem, bob, carol):
    page_as(carol, f"/records/{poem.pk}")
    first = comments.Comment.objects.on(poem).get(author=bob)
    committed(lambda: comments.delete(first, by=bob))
    _, page = page_as(carol, f"/records/{poem.pk}")
    assert b"first thought" not in page.content


def test_visitors_and_members_are_kept_apart(poem, carol):
    page_as(carol, f"/records/{poem.pk}")  # the members' thread, with reply forms, kept
    _, visitor = page_as(None, f"/records/{poem.pk}")
    assert b"first thought" in visitor.content
    assert b"Your reply" not in visitor.content
    assert b"csrfmiddlewaretoken" not in visitor.content
    assert "csrftoken" not in visitor.cookies  # still a page the page cache may keep


@pytest.mark.parametrize("who", ["alice", "bob", "carol", None])
def test_the_page_is_the_same_with_and_without_fragments(poem, who, request, settings):
    """Whoever asks, and whatever was kept before (carol's, then theirs): the page they
    get is the one rendered without fragments, but for the CSRF token's mask."""
    page_as(request.getfixturevalue("carol"), f"/records/{poem.pk}")
    same_page(request.getfixturevalue(who) if who else None, f"/records/{poem.pk}", settings)


def test_older_comments_come_from_the_same_fragments(poem, carol, settings):
    older = comments.Comment.objects.on(poem).order_by("pk").last().pk
    _, page = page_as(carol, f"/comments/on/record/{poem.pk}?before={older}")
    assert page.status_code == 200
    assert b"first thought" in page.content
    assert b"Alice answers" not in page.content
    assert fragments.CSRF.value.encode() not in page.content


def test_the_placeholder_cannot_be_planted(poem, dave, carol):
    """A comment holding the placeholder's text gets no token filled in: its value is a
    keyed hash no member can know, and the text is escaped like any other."""
    planted = "csrf-" + "0" * 32
    assert planted != fragments.CSRF.value
    committed(lambda: comments.add(dave, poem, planted))
    _, page = page_as(carol, f"/records/{poem.pk}")
    assert planted.encode() in page.content


# --- the record page's lineage: its credit line and panel ---------------------------


@pytest.fixture
def remixed(poem, bob, carol):
    """Bob's public remix of the poem, and Carol's draft remix, which only she may see."""

    def make():
        public = make_record(bob, text="Salt, again", title="Bob's remix", publish=True)
        lineage.add_source(public, poem, by=bob, note="the first line")
        draft = make_record(carol, text="Half done", title="Carol's secret draft")
        lineage.add_source(draft, poem, by=carol, note="the rhythm")
        return public, draft

    return committed(make)


def test_members_share_the_lineage_but_not_a_draft_in_it(poem, remixed, carol, dave):
    _, for_dave = page_as(dave, f"/records/{poem.pk}")  # kept for every member
    assert b"Bob&#x27;s remix" in for_dave.content
    assert b"Carol&#x27;s secret draft" not in for_dave.content
    _, for_carol = page_as(carol, f"/records/{poem.pk}")
    assert b"Carol&#x27;s secret draft" in for_carol.content  # hers, rendered for her
    _, for_dave_again = page_as(dave, f"/records/{poem.pk}")
    assert b"Carol&#x27;s secret draft" not in for_dave_again.content


def test_the_owner_gets_the_citation_tools(poem, remixed, alice, dave):
    page_as(dave, f"/records/{poem.pk}")
    _, for_alice = page_as(alice, f"/records/{poem.pk}")
    assert b"Cite a source" in for_alice.content
    _, for_dave = page_as(dave, f"/records/{poem.pk}")
    assert b"Cite a source" not in for_dave.content


def test_a_new_citation_is_seen_at_once(poem, remixed, bob, dave):
    page_as(dave, f"/records/{poem.pk}")

    def cite():
        other = make_record(bob, text="Salt, once more", title="Bob's second", publish=True)
        lineage.add_source(other, poem, by=bob, note="the last line")

    committed(cite)
    _, page = page_as(dave, f"/records/{poem.pk}")
    assert b"Bob&#x27;s second" in page.content


def test_a_new_draft_in_the_lineage_is_seen_by_its_member_at_once(poem, dave):
    """A member's drafts are kept for them (front.views._drafts_of): a draft they make
    renews them, so the page turns theirs at the commit."""
    _, before = page_as(dave, f"/records/{poem.pk}")  # kept, with dave's drafts: none

    def draft():
        made = make_record(dave, text="Not yet", title="Dave's draft remix")
        lineage.add_source(made, poem, by=dave, note="the title")

    committed(draft)
    _, after = page_as(dave, f"/records/{poem.pk}")
    assert b"Dave&#x27;s draft remix" not in before.content
    assert b"Dave&#x27;s draft remix" in after.content


def test_a_new_list_is_offered_on_the_next_record_page(poem, carol, dave):
    """A member's lists are kept for them (the "add to a list" hole), and never
    offered to anyone else."""
    page_as(carol, f"/records/{poem.pk}")  # carol's lists kept: none
    committed(lambda: lists.create(carol, title="Poems for the bus"))
    _, for_carol = page_as(carol, f"/records/{poem.pk}")
    assert b"Poems for the bus" in for_carol.content
    _, for_dave = page_as(dave, f"/records/{poem.pk}")
    assert b"Poems for the bus" not in for_dave.content


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave", None])
def test_the_lineage_is_the_same_with_and_without_fragments(poem, remixed, who, request, settings):
    page_as(request.getfixturevalue("dave"), f"/records/{poem.pk}")
    same_page(request.getfixturevalue(who) if who else None, f"/records/{poem.pk}", settings)


def test_drafts_in_lineage_reads_a_members_drafts_only(poem, remixed, carol, dave):
    assert present.drafts_in_lineage(carol, poem)
    assert not present.drafts_in_lineage(dave, poem)
    assert not present.drafts_in_lineage(fragments.ANY_MEMBER, poem)


# --- holes -------------------------------------------------------------------------------


def test_holes_are_filled_and_marks_not_ours_are_left_alone(rf, carol):
    request = rf.get("/")
    request.user = carol
    planted = "<!--hole:heart:csrf-" + "0" * 32 + "-->"
    kept = f"<p>{fragments.hole('heart')}</p>{planted}<i>{fragments.CSRF.value}</i>"
    shown = fragments.shared(
        request,
        "test-holes",
        render=lambda who: fragments.Shared(kept),
        holes={"heart": lambda: "<b>yours</b>"},
    )
    assert shown.startswith("<p><b>yours</b></p>")
    assert planted in shown  # a mark without the keyed value is text, not a hole
    assert fragments.CSRF.value not in shown


def test_a_hole_nothing_fills_is_an_error_not_a_silent_gap(rf, carol):
    request = rf.get("/")
    request.user = carol
    with pytest.raises(ImproperlyConfigured, match="heart"):
        fragments.shared(
            request, "test-unfilled", render=lambda who: fragments.Shared(fragments.hole("heart"))
        )
