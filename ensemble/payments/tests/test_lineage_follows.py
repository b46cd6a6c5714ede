"""A proposal not yet final follows a change moderators make to its lineage (a missing
credit added or taken back): a new revision, made by nobody, computed from the lineage
as it is now, while every earlier revision is still explained from the lineage it was
computed from. A published proposal opens its comment window again and tells whoever
the change brings in. Nothing else is touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.core.refusals import Refused
from ensemble.lineage import services as lineage
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification
from ensemble.payments.models import Proposal
from ensemble.payments.services import explain, lineage_changes, proposals, snapshot
from ensemble.payments.testing import pool_with_revenue, released_production

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(alice, bob, carol):
    return released_production(alice, bob, carol)


@pytest.fixture
def proposal(alice, story):
    return proposals.make_proposal(pool_with_revenue(story, alice), by=alice)


def credit_dave(story, mod, name="dave"):
    """Dave's original cited under Bob's drawing, as moderators do, and the proposals
    told; Dave."""
    dave = make_user(name)
    original = bare_record(dave, kind="image", title="Dave's turnip")
    lineage.add_missing_credit(story.drawing, original, by=mod, note="Traced.")
    lineage_changes.flag(
        story.drawing.pk,
        "Dave credited.",
        citation=lineage_changes.Citation(story.drawing.pk, original.pk),
    )
    return dave


def people(revision):
    return dict(revision.lines.values_list("user_id", "amount"))


def test_a_new_revision_follows_and_the_earlier_one_keeps_its_lineage(
    alice, bob, carol, story, mod, proposal
):
    first = proposals.current(proposal)
    dave = credit_dave(story, mod)
    proposal.refresh_from_db()
    second = proposals.current(proposal)
    assert (second.number, second.made_by, second.reason) == (
        2,
        None,
        "The lineage changed: Dave credited.",
    )
    assert second.lineage_json
    assert not first.lineage_json
    assert proposal.record_count == first_count(proposal) + 1
    assert dave.pk in people(second)
    assert dave.pk not in people(first)
    assert sum(people(second).values()) == sum(people(first).values()) == proposal.amount
    # What Bob's drawing passes on is shared by Carol's script and Dave's original now.
    assert people(second)[bob.pk] == people(first)[bob.pk]
    assert people(second)[carol.pk] < people(first)[carol.pk]
    # Each revision is explained from its own lineage, exactly as its lines say.
    first_again = proposal.revisions.get(number=1)
    assert dave.pk not in explain.result_for(first_again).cents
    assert (
        explain.result_for(proposal.revisions.get(number=2)).cents[dave.pk]
        == people(second)[dave.pk]
    )


def first_count(proposal):
    return len(proposal.snapshot["records"])


def test_adjustments_carry_over_and_revising_uses_the_new_lineage(
    alice, bob, carol, story, mod, proposal
):
    proposals.revise(
        proposal,
        by=alice,
        changes={"waivers": [{"user": "carol", "reason": "She asked to."}]},
        reason="Carol waives.",
    )
    dave = credit_dave(story, mod)
    third = proposals.current(proposal)
    assert third.number == 3
    assert [w["user"] for w in third.adjustments["waivers"]] == [carol.pk]
    assert people(third)[carol.pk] == 0
    # The new edge can be weighted by the leaders, like any other.
    original = story.drawing.source_edges.get(source__owner=dave).source
    edge = f"{story.drawing.pk}-{original.pk}"
    fourth = proposals.revise(proposal, by=alice, changes={"weights": {edge: 3}}, reason="More.")
    assert fourth.adjustments["weights"] == {edge: 3}
    assert people(fourth)[dave.pk] > people(third)[dave.pk]


def test_a_waiver_of_someone_the_change_takes_out_goes_with_them(alice, bob, story, mod, proposal):
    dave = credit_dave(story, mod)
    proposals.revise(
        proposal,
        by=alice,
        changes={"exclusions": [{"user": dave.username, "reason": "Not ours."}]},
        reason="Excluded.",
    )
    edge = story.drawing.source_edges.get(source__owner=dave)
    lineage.withdraw_missing_credit(edge.pk)
    lineage_changes.flag(
        story.drawing.pk,
        "Taken back.",
        citation=lineage_changes.Citation(story.drawing.pk, edge.source_id, added=False),
    )
    last = proposals.current(proposal)
    assert last.adjustments["exclusions"] == []
    assert dave.pk not in people(last)
    assert people(last) == people(proposal.revisions.get(number=1))


def test_a_published_proposal_opens_its_window_again_and_tells_the_newcomer(
    alice, bob, carol, story, mod, proposal, settings
):
    proposals.publish(proposal, by=alice)
    Proposal.objects.filter(pk=proposal.pk).update(window_closes_at=timezone.now())
    told_before = Notification.objects.filter(kind="payment_proposal_published").count()
    dave = credit_dave(story, mod)
    proposal.refresh_from_db()
    assert proposal.window_open
    assert proposal.window_closes_at > timezone.now() + timedelta(
        seconds=settings.PAYMENT_COMMENT_SECONDS - 60
    )
    told = Notification.objects.filter(kind="payment_proposal_published")
    assert told.count() == told_before + 2  # Dave, brought in, and Carol, whose share fell
    assert told.get(recipient=dave).actor is None
    assert told.filter(recipient=carol).count() == 2
    assert told.filter(recipient=bob).count() == 1  # his share is as it was


def test_a_proposal_not_built_on_the_record_is_left_alone(alice, bob, carol, story, mod, proposal):
    other = bare_record(carol, title="Elsewhere")
    original = bare_record(make_user("erin"), title="Erin's")
    lineage.add_missing_credit(other, original, by=mod, note="Traced.")
    citation = lineage_changes.Citation(other.pk, original.pk)
    assert lineage_changes.flag(other.pk, "Erin credited.", citation=citation) == []
    proposal.refresh_from_db()
    assert proposal.lineage_changed_at is None
    assert proposal.revisions.count() == 1


def test_the_page_and_the_api_say_the_split_followed(alice, carol, story, mod, proposal):
    proposals.publish(proposal, by=alice)
    credit_dave(story, mod)
    visitor = Client()
    page = visitor.get(f"/proposals/{proposal.pk}").content.decode()
    assert "The split follows it from revision 2." in page
    assert "when revision 2 followed the moderators' change" in page
    assert "by the moderators' change: The lineage changed: Dave credited." in page
    assert "@mod" not in page  # the moderators act as a team
    body = visitor.get(f"/api/v1/proposals/{proposal.pk}").json()
    assert body["revision"] == 2
    assert [r["made_by"] for r in body["revisions"]] == ["alice", None]
    proposal.refresh_from_db()
    assert body["records"] == proposal.record_count == first_count(proposal) + 1


def test_only_the_moderators_citation_comes_in_not_what_changed_since(
    alice, bob, carol, story, mod, proposal
):
    """The proposal froze its lineage when made: a citation Bob adds since stays out of
    it (his own change would need a new proposal), while Dave's credit comes in."""
    later = bare_record(make_user("fay"), title="Fay's later sketch")
    lineage.add_source(story.drawing, later, by=bob, note="Added since.")
    dave = credit_dave(story, mod)
    followed = proposals.current(proposal)
    assert dave.pk in people(followed)
    assert later.owner_id not in people(followed)
    assert str(later.pk) not in snapshot.of(followed)["records"]


def test_a_proposal_final_by_the_time_it_would_follow_is_left_alone(
    alice, story, mod, proposal, settings
):
    settings.PAYMENT_COMMENT_SECONDS = 0
    proposals.publish(proposal, by=alice)
    proposals.finalize(Proposal.objects.get(pk=proposal.pk), by=alice)
    original = bare_record(make_user("gil"), title="Gil's")
    lineage.add_missing_credit(story.drawing, original, by=mod, note="Traced.")
    citation = lineage_changes.Citation(story.drawing.pk, original.pk)
    assert lineage_changes.follow(proposal, "Gil credited.", citation) is None
    assert proposal.revisions.count() == 1


def test_a_finalize_after_the_window_opened_again_waits_for_it(
    alice, story, mod, proposal, settings
):
    proposals.publish(proposal, by=alice)
    stale = Proposal.objects.get(pk=proposal.pk)
    Proposal.objects.filter(pk=proposal.pk).update(window_closes_at=timezone.now())
    stale.window_closes_at = timezone.now() - timedelta(seconds=1)  # read before it opened
    credit_dave(story, mod)
    with pytest.raises(Refused) as caught:
        proposals.finalize(stale, by=alice)
    assert caught.value.code == "window_open"
    assert Proposal.objects.get(pk=proposal.pk).status == "published"
