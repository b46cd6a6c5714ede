"""A rights report upheld by adding the missing credit: the lineage and the credit roll
follow at once, open payment proposals built on the record follow with a new revision
and are flagged for their leaders (final ones never change), lineage's own rules still
hold, and the owner may appeal (and the proposals follow that too). A removal flags the
proposals and leaves their split alone. payments/tests/test_lineage_follows.py has the
rest of how a proposal follows."""

from __future__ import annotations

import pytest

from ensemble.accounts.testing import make_user
from ensemble.core.refusals import Refused
from ensemble.lineage import credits
from ensemble.lineage.models import Source
from ensemble.lineage.services import add_source
from ensemble.lineage.testing import bare_record
from ensemble.moderation import appeals, services
from ensemble.moderation.models import AuditEntry, Report
from ensemble.notifications.models import Notification
from ensemble.payments.models import Proposal
from ensemble.payments.services import proposals
from ensemble.payments.testing import pool_with_revenue, released_production
from ensemble.records import takedown

pytestmark = pytest.mark.django_db


def rights(reporter, record, original=None, url=""):
    return services.file_report(
        reporter,
        "record",
        record.pk,
        reason="rights",
        text="That drawing is mine, traced.",
        original_record=original.pk if original else None,
        original_url=url,
    )


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message


def credited(record):
    roll = credits.credit_roll(record.pk)
    return {p.username for s in roll.sections for people in s.roles.values() for p in people}


@pytest.fixture
def story(alice, bob, carol):
    """Alice's released film, built on Bob's drawing (which uses Carol's script)."""
    return released_production(alice, bob, carol)


@pytest.fixture
def proposal(alice, story):
    pool = pool_with_revenue(story, alice)
    return proposals.make_proposal(pool, by=alice)


def test_the_missing_credit_is_added_and_the_credit_roll_follows(alice, bob, story, mod, proposal):
    dave = make_user("dave3", display_name="Dave Drawer")
    original = bare_record(dave, kind="image", title="Dave's turnip")
    report = rights(dave, story.drawing, original)
    assert "dave3" not in credited(story.film)
    services.decide(report, by=mod, action="credit", note="Traced from Dave's drawing.")
    edge = Source.objects.get(derived=story.drawing, source=original)
    assert edge.created_by == mod
    assert "Traced from Dave's drawing." in edge.note
    assert "dave3" in credited(story.film)  # the credit roll of everything built on it
    report.refresh_from_db()
    assert report.state == "upheld"
    entry = AuditEntry.objects.get(action="credit")
    assert entry.after["source"] == original.pk
    told = Notification.objects.get(recipient=bob, kind="credit_added")
    assert told.actor is None
    assert Notification.objects.get(recipient=dave, kind="cited").actor is None
    # The open proposal built on the drawing follows, with a revision made by nobody.
    proposal.refresh_from_db()
    assert proposal.lineage_changed_at is not None
    assert "Dave's turnip" in proposal.lineage_change
    assert "follows it from revision 2" in proposal.lineage_change
    assert Notification.objects.filter(recipient=alice, kind="proposal_lineage_changed").exists()
    revision = proposals.current(proposal)
    assert (revision.number, revision.made_by) == (2, None)
    assert revision.lines.get(user=dave).amount > 0


def test_a_final_proposal_is_never_flagged_or_changed(alice, story, mod, proposal, settings):
    settings.PAYMENT_COMMENT_SECONDS = 0
    proposals.publish(proposal, by=alice)
    final = proposals.finalize(Proposal.objects.get(pk=proposal.pk), by=alice)
    lines = list(final.revisions.get().lines.values_list("user_id", "amount"))
    original = bare_record(make_user("dave4"), kind="image")
    services.decide(
        rights(original.owner, story.drawing, original), by=mod, action="credit", note="Traced."
    )
    final.refresh_from_db()
    assert final.lineage_changed_at is None
    assert list(final.revisions.get().lines.values_list("user_id", "amount")) == lines


def test_a_removal_flags_the_open_proposals_built_on_it(carol, story, mod, proposal):
    lines = list(proposals.current(proposal).lines.values_list("user_id", "amount"))
    report = services.file_report(carol, "record", story.drawing.pk, reason="rules", text="x")
    services.decide(report, by=mod, action="remove", note="Not allowed here.")
    proposal.refresh_from_db()
    assert "The drawing" in proposal.lineage_change
    assert "keeps the credit" in proposal.lineage_change
    # The removed work keeps its place, so the split is the same: no new revision.
    assert proposal.revisions.count() == 1
    assert list(proposals.current(proposal).lines.values_list("user_id", "amount")) == lines


def test_only_a_rights_report_naming_an_original_here_adds_a_credit(alice, bob, carol, mod):
    work = bare_record(bob)
    plain = services.file_report(carol, "record", work.pk, reason="spam", text="x")
    refused("not_creditable", services.decide, plain, by=mod, action="credit", note="x")
    elsewhere = rights(alice, work, url="https://example.test/mine")
    refused("not_creditable", services.decide, elsewhere, by=mod, action="credit", note="x")
    said = services.file_report(
        carol, "member", bob.pk, reason="rights", text="x", original_record=bare_record(carol).pk
    )
    refused("not_creditable", services.decide, said, by=mod, action="credit", note="x")
    assert not AuditEntry.objects.exists()
    assert set(Report.objects.values_list("state", flat=True)) == {"open"}


def test_lineage_rules_still_hold_and_a_refusal_changes_nothing(alice, bob, carol, mod):
    work = bare_record(bob, title="Bob's")
    later = bare_record(carol, title="Built on Bob's")
    add_source(later, work, by=carol, note="uses it")
    cycle = rights(carol, work, later)  # the "original" is built on the reported record
    refused("cycle", services.decide, cycle, by=mod, action="credit", note="x")
    closed = bare_record(alice, title="No derivatives", licence="cc-by-nd-4.0")
    licence = rights(alice, work, closed)
    refused("licence_conflict", services.decide, licence, by=mod, action="credit", note="x")
    already = bare_record(carol, title="Cited already")
    add_source(work, already, by=bob, note="credited")
    twice = rights(make_user("dave6"), work, already)
    refused("duplicate_source", services.decide, twice, by=mod, action="credit", note="x")
    for report in (cycle, licence, twice):
        report.refresh_from_db()
        assert report.is_open
    assert not AuditEntry.objects.exists()
    assert not Source.objects.filter(created_by=mod).exists()


def test_the_owner_appeals_an_added_credit_and_it_goes_again(bob, story, mod, proposal):
    dave = make_user("dave5")
    original = bare_record(dave, kind="image")
    services.decide(rights(dave, story.drawing, original), by=mod, action="credit", note="Traced.")
    entry = AuditEntry.objects.get(action="credit")
    other = make_user("mod5")
    services.grant(other)
    appeals.decide(
        appeals.appeal(entry, by=bob, text="I drew it myself."),
        by=other,
        grant=True,
        note="Drawn independently: the sketches show it.",
    )
    assert not Source.objects.filter(derived=story.drawing, source=original).exists()
    assert "dave5" not in credited(story.film)
    # The proposal followed the credit, then its withdrawal: Dave is out again.
    proposal.refresh_from_db()
    assert "taken back" in proposal.lineage_change
    third = proposals.current(proposal)
    assert third.number == 3
    assert not third.lines.filter(user=dave).exists()
    first = proposal.revisions.get(number=1)
    assert sorted(third.lines.values_list("user_id", "amount")) == sorted(
        first.lines.values_list("user_id", "amount")
    )


def test_an_original_that_is_not_public_is_never_credited(alice, bob, carol, mod):
    work = bare_record(bob, title="Bob's")
    original = bare_record(carol, title="Carol's secret sketch")
    report = rights(carol, work, original)
    takedown.hide(original, "Under review.")
    refused("not_public", services.decide, report, by=mod, action="credit", note="x")
    assert not Source.objects.filter(derived=work).exists()
    assert Report.objects.get(pk=report.pk).is_open
