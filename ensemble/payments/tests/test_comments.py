"""Comments on a payment proposal: mentions that notify only who may see it, answers by
leaders, and authors editing and deleting their own while the window is open (nobody
else, leaders included), on the page and in the API."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.community.models import Comment
from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.notifications.models import Notification
from ensemble.payments.models import Pool, Proposal
from ensemble.payments.services import pools, proposals
from ensemble.payments.testing import released_production
from ensemble.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(alice, bob, carol):
    story = released_production(alice, bob, carol)
    made = pools.create_pool(
        story.production, by=alice, kind=Pool.Kind.FIXED_BUDGET, currency="EUR", budget=40_000
    )
    return made


@pytest.fixture
def proposal(alice, pool):
    made = proposals.make_proposal(pool, by=alice)
    proposals.publish(made, by=alice)
    made.refresh_from_db()
    return made


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message


def test_mentions_tell_those_named_who_may_see_the_proposal(alice, bob, carol, proposal):
    make_user("dave")
    asked = comments.add(carol, proposal, "@bob @dave @nobody @carol: fair?")
    told = Notification.objects.filter(kind="mentioned")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["bob", "dave"]
    assert told.first().link.endswith(f"/proposals/{proposal.pk}#comment-{asked.pk}")
    comments.add(alice, proposal, "Yes, @carol.", reply_to=asked)
    assert carol.notifications.filter(kind="mentioned").count() == 1  # not told twice
    assert not carol.notifications.filter(kind="comment_reply").exists()
    comments.add(alice, proposal, "And the weights are public.", reply_to=asked)
    assert carol.notifications.filter(kind="comment_reply").count() == 1


def test_a_mention_in_a_private_projects_proposal_tells_no_outsider(alice, bob, proposal):
    outsider = make_user("dave")
    Project.objects.filter(pk=proposal.pool.production.project_id).update(
        status=Project.Status.DRAFT
    )
    proposal.refresh_from_db()
    comments.add(alice, proposal, "@dave @bob look")
    assert not outsider.notifications.exists()


def test_authors_edit_and_delete_their_own_while_the_window_is_open(alice, carol, proposal):
    asked = comments.add(carol, proposal, "Is *this* fair?")
    answer = comments.add(alice, proposal, "It is.", reply_to=asked)
    refused("forbidden", comments.edit, asked, by=alice, body="Rewritten by a leader")
    refused("forbidden", comments.delete, asked, by=alice)  # leaders cannot silence anyone
    refused("invalid", comments.edit, asked, by=carol, body="   ")
    refused("invalid", comments.edit, asked, by=carol, body="x" * 5_001)
    edited = comments.edit(asked, by=carol, body="Is **this** fair to the musicians?")
    assert "<strong>this</strong>" in edited.body_html
    assert edited.edited_at is not None
    stale = Comment.objects.get(pk=asked.pk)  # an edit sent from another tab...
    comments.delete(asked, by=carol)
    refused("gone", comments.edit, stale, by=carol, body="...arrives after the deletion")
    asked.refresh_from_db()
    assert (asked.body, asked.body_html) == ("", "")
    assert asked.deleted_at is not None
    assert Comment.objects.get(pk=answer.pk).reply_to_id == asked.pk  # the answer stays put
    refused("gone", comments.edit, asked, by=carol, body="Back again")
    refused("gone", comments.add, alice, proposal, "More", reply_to=asked)
    Proposal.objects.filter(pk=proposal.pk).update(window_closes_at=timezone.now())
    answer.subject.refresh_from_db()
    refused("window_closed", comments.edit, answer, by=alice, body="Too late")
    refused("window_closed", comments.delete, answer, by=alice)


def test_editing_and_deleting_from_the_page_and_the_api(alice, carol, proposal, client):
    asked = comments.add(carol, proposal, "First thoughts")
    url = f"/proposals/{proposal.pk}/comments/{asked.pk}"
    client.force_login(carol)
    page = client.get(f"/proposals/{proposal.pk}").content.decode()
    assert "Edit or delete" in page
    client.post(url, {"body": "Second thoughts"})
    assert Comment.objects.get(pk=asked.pk).body == "Second thoughts"
    assert "· edited" in client.get(f"/proposals/{proposal.pk}").content.decode()
    leader = Client()
    leader.force_login(alice)
    assert "Edit or delete" not in leader.get(f"/proposals/{proposal.pk}").content.decode()
    leader.post(url, {"delete": "1"})  # refused, with a message; nothing changes
    assert Comment.objects.get(pk=asked.pk).deleted_at is None
    api = f"/api/v1/proposals/{proposal.pk}/comments/{asked.pk}"
    answer = leader.patch(api, json.dumps({"body": "Mine now"}), content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"
    answer = client.patch(
        api, json.dumps({"body": "Third thoughts"}), content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["edited_at"] is not None
    assert (
        client.patch(api, json.dumps({"body": ""}), content_type="application/json").status_code
        == 422
    )
    assert Client().delete(api).status_code == 401
    assert client.delete(api).status_code == 204
    listed = Client().get(f"/api/v1/proposals/{proposal.pk}/comments").json()
    assert listed[0]["deleted"] is True
    assert listed[0]["body"] == ""
    story = released_production(alice, make_user("bea"), carol)
    other_pool = pools.create_pool(
        story.production, by=alice, kind=Pool.Kind.FIXED_BUDGET, currency="EUR", budget=10_000
    )
    second = proposals.make_proposal(other_pool, by=alice)
    proposals.publish(second, by=alice)
    other = comments.add(carol, proposal, "On the first proposal")
    wrong = f"/api/v1/proposals/{second.pk}/comments/{other.pk}"  # a real proposal, not its
    assert client.delete(wrong).status_code == 404
    assert (
        client.post(f"/proposals/{second.pk}/comments/{other.pk}", {"delete": "1"}).status_code
        == 404
    )
    assert Comment.objects.get(pk=other.pk).deleted_at is None
