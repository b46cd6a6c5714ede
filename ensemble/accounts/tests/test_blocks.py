"""Blocking: the blocked one cannot reach the blocker (comments, answers, mentions,
hearts, follows, calls), the blocker does not see what they write or make (comments,
the feed, browse, search), neither is offered the other's calls, nobody is told, and
credits never change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ensemble.accounts import blocks
from ensemble.accounts.models import Block, User
from ensemble.accounts.testing import make_user
from ensemble.community.models import Comment, Follow, Heart
from ensemble.community.services import comments, feed, follows, hearts, suggest
from ensemble.core.refusals import Refused
from ensemble.lineage import credits
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification
from ensemble.projects.models import Entry
from ensemble.projects.services import submit_entry
from ensemble.projects.testing import make_call, make_project
from ensemble.records import indexing as record_indexing
from ensemble.records.testing import make_record
from ensemble.search.results import PAGE

pytestmark = pytest.mark.django_db


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message


def test_a_block_is_made_once_undone_and_kept_on_the_blocker(alice, bob):
    assert blocks.block(alice, bob) is True
    assert blocks.block(alice, bob) is False
    assert User.objects.get(pk=alice.pk).blocks_someone
    refused("self", blocks.block, alice, alice)
    gone = make_user("gone", is_active=False)
    refused("not_found", blocks.block, alice, gone)
    assert blocks.blocked_by(alice) == {bob.pk}
    assert blocks.either_way(bob) == {alice.pk}
    assert blocks.unblock(alice, bob) is True
    assert not User.objects.get(pk=alice.pk).blocks_someone
    assert blocks.blocked_by(User.objects.get(pk=alice.pk)) == frozenset()
    assert not Notification.objects.filter(recipient=bob).exists()  # never told


def test_the_blocked_one_cannot_comment_answer_or_heart_and_nothing_changes(alice, bob, carol):
    poem = bare_record(alice)
    elsewhere = bare_record(carol)
    hers = comments.add(alice, elsewhere, "A thought of mine")
    blocks.block(alice, bob)
    refused("blocked", comments.add, bob, poem, "Let me in")
    refused("blocked", comments.add, bob, elsewhere, "Answering her", reply_to=hers)
    refused("blocked", hearts.heart, bob, poem)
    assert Comment.objects.count() == 1
    assert not Heart.objects.exists()
    comments.add(bob, elsewhere, "Carol's page is open to me")  # not the blocker's thing
    comments.add(alice, bare_record(bob), "The blocker still may")


def test_no_mention_crosses_a_block_either_way(alice, bob, carol):
    blocks.block(alice, bob)
    place = bare_record(carol)
    comments.add(bob, place, "Hey @alice and @carol")
    comments.add(alice, place, "Not you, @bob")
    told = set(Notification.objects.filter(kind="mentioned").values_list("recipient", flat=True))
    assert told == {carol.pk}


def test_a_block_ends_follows_both_ways_and_the_blocked_cannot_follow_again(alice, bob):
    follows.follow_person(alice, bob)
    follows.follow_person(bob, alice)
    blocks.block(alice, bob)
    assert not Follow.objects.exists()
    refused("blocked", follows.follow_person, bob, alice)
    assert follows.follow_person(alice, bob) is True  # the blocker still may


def test_the_blocked_one_cannot_enter_the_blockers_calls(alice, bob):
    call = make_call(make_project(alice))
    blocks.block(alice, bob)
    refused("blocked", submit_entry, call, by=bob, record=bare_record(bob, kind="image"))
    assert not Entry.objects.exists()


def test_the_blocker_sees_no_remix_by_the_blocked_in_the_feed_and_credits_stay(alice, bob):
    poem = bare_record(alice, title="Poem")
    remix = bare_record(bob, title="Bob's remix")
    add_source(remix, poem, by=bob, note="read aloud")
    assert [i.kind for i in feed.page(alice)[0]] == ["remix"]
    blocks.block(alice, bob)
    alice = User.objects.get(pk=alice.pk)
    assert feed.page(alice)[0] == []
    roll = credits.credit_roll(remix.pk)
    named = {p.username for s in roll.sections for people in s.roles.values() for p in people}
    assert named == {"alice", "bob"}  # credit is a fact, not a favour


@pytest.mark.usefixtures("fragments_on")
def test_the_blocker_does_not_see_the_blocked_ones_comments_others_do(client, alice, bob, carol):
    poem = bare_record(carol)
    comments.add(bob, poem, "Words from bob")
    blocks.block(alice, bob)
    client.force_login(carol)  # fills the kept thread first
    assert "Words from bob" in client.get(poem.get_absolute_url()).content.decode()
    client.force_login(alice)
    page = client.get(poem.get_absolute_url()).content.decode()
    assert "Words from bob" not in page
    assert "A comment from someone you block" in page
    client.force_login(make_user("dave2"))  # and the kept thread is as it was for others
    assert "Words from bob" in client.get(poem.get_absolute_url()).content.decode()


def test_blocking_from_a_profile_and_the_list_of_people_you_block(client, alice, bob):
    client.force_login(alice)
    url = reverse("accounts:block", args=["bob"])
    assert url in client.get(bob.get_absolute_url()).content.decode()
    assert client.post(url, {"action": "block"})["Location"] == bob.get_absolute_url()
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    listed = client.get(reverse("accounts:blocked")).content.decode()
    assert "@bob" in listed
    client.post(url, {"action": "unblock"})
    assert not Block.objects.exists()
    assert client.post(reverse("accounts:block", args=["nobody"])).status_code == 404
    own = client.get(alice.get_absolute_url()).content.decode()
    assert reverse("accounts:block", args=["alice"]) not in own


def test_the_api_blocks_unblocks_and_lists(client, alice, bob):
    client.force_login(alice)
    made = client.post("/api/v1/users/bob/block")
    assert made.json() == {"blocking": True}
    assert client.get("/api/v1/me/blocks").json() == ["bob"]
    own = client.post("/api/v1/users/alice/block")
    assert (own.status_code, own.json()["code"]) == (409, "self")
    assert client.post("/api/v1/users/nobody/block").status_code == 404
    assert client.delete("/api/v1/users/bob/block").json() == {"blocking": False}
    assert client.get("/api/v1/me/blocks").json() == []
    client.logout()
    assert client.post("/api/v1/users/bob/block").status_code == 401


@pytest.mark.usefixtures("fragments_on")
def test_the_blocker_finds_nothing_of_theirs_in_browse_or_search(client, alice, bob, carol):
    make_record(bob, title="Bob's Lighthouse", description="A lighthouse.", publish=True)
    make_record(carol, title="Carol's Lighthouse", description="A lighthouse.", publish=True)
    blocks.block(alice, bob)
    client.force_login(carol)  # fills the kept grid first, with bob's record in it
    assert "Bob&#x27;s Lighthouse" in client.get("/records/").content.decode()
    client.force_login(alice)
    for url in (
        "/records/",
        "/search?q=lighthouse",
        "/api/v1/search?q=lighthouse",
        "/api/v1/records",
    ):
        page = client.get(url).content.decode()
        assert "Carol" in page, url
        assert "Bob" not in page, url
    found = client.get("/search?q=bob").content.decode()
    assert "@bob" not in found  # nor the person
    client.force_login(carol)
    assert "Bob&#x27;s" in client.get("/search?q=lighthouse").content.decode()


@pytest.mark.usefixtures("fragments_on")
def test_no_call_across_a_block_is_offered_either_way(client, alice, bob, carol):
    make_call(make_project(bob), title="Bob calls for drawings")
    make_call(make_project(carol), title="Carol calls for songs")
    blocks.block(alice, bob)
    client.force_login(carol)  # the kept list of calls, with bob's
    assert "Bob calls for drawings" in client.get("/").content.decode()
    for person in (alice, bob):  # the blocker, and the blocked: neither is offered the other's
        client.force_login(person)
        page = client.get("/").content.decode()
        assert "Carol calls for songs" in page
        assert ("Bob calls for drawings" in page) is (person == bob)
    drawing = make_record(alice, title="A drawing", publish=True)
    offered = [c.title for c in suggest.calls_for(drawing)]
    assert "Bob calls for drawings" not in offered


def test_a_page_of_search_short_of_the_blocked_still_leads_on(client, alice, bob, carol):
    words = "amber birch cedar dune ember fjord grove heath inlet jade kelp loam moor "
    words += "north oak pine quay reed sand tide umber"
    for n, word in enumerate(words.split()):  # 21 lanterns, bob's the newest
        record = bare_record(bob if n == 20 else carol, title=f"Lantern of {word}")
        record_indexing.reindex(record)
    blocks.block(alice, bob)
    client.force_login(alice)
    page = client.get("/search?q=lantern").content.decode()
    assert "Lantern of umber" not in page
    assert page.count('class="search-result__title"') == PAGE - 1  # bob's left out
    assert "page=2" in page  # and the next page is still offered
