"""Pools, proposals, revisions, publishing, comments, finalizing and the ledger, with
every refusal the issue lists."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from ensemble.community.services import comments
from ensemble.core.refusals import Refused
from ensemble.lineage.testing import bare_record
from ensemble.payments.models import LedgerEntry, Line, PoolEntry, Proposal
from ensemble.payments.services import ledger, pools, proposals
from ensemble.payments.testing import released_production
from ensemble.projects import productions

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def story(alice, bob, carol):
    return released_production(alice, bob, carol)


@pytest.fixture
def pool(alice, story):
    pool = pools.create_pool(story.production, by=alice, kind="profit_share", currency="EUR")
    pools.record_entry(
        pool,
        by=alice,
        kind="revenue",
        amount=100_000,
        currency="EUR",
        on=TODAY,
        description="Festival screening fees",
    )
    pools.record_entry(
        pool,
        by=alice,
        kind="cost",
        amount=20_000,
        currency="eur",
        on=TODAY,
        description="Subtitles",
    )
    return pool


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert code in (caught.value.code, caught.value.field), caught.value.message
    return caught.value


def lines(proposal):
    revision = proposals.current(proposal)
    return {line.user.username: line.amount for line in revision.lines.select_related("user")}


def test_a_profit_share_pool_shows_its_balance(pool):
    b = pools.balance(pool)
    assert (b.revenue, b.costs, b.contributors, b.available) == (100_000, 20_000, 40_000, 40_000)


def test_the_suggested_split_follows_the_lineage(alice, pool):
    proposal = proposals.make_proposal(pool, by=alice)
    assert proposal.amount == 40_000
    # The film passes everything to the drawing and the song (1 each): 20,000 each. The
    # drawing keeps half for Bob and passes 10,000 to Carol's script; the song is Carol's.
    assert lines(proposal) == {"bob": 10_000, "carol": 30_000}
    assert sum(lines(proposal).values()) == proposal.amount


def test_revisions_adjust_weights_editor_share_manual_lines_and_waivers(
    alice, bob, carol, mod, pool, story
):
    proposal = proposals.make_proposal(pool, by=alice)
    edge = f"{story.film.pk}-{story.drawing.pk}"
    proposals.revise(
        proposal,
        by=alice,
        changes={"weights": {edge: 3}, "editor_share_bp": 1_000},
        reason="The drawing is most of the film.",
    )
    second = lines(proposal)
    assert second["alice"] == 4_000  # the editor share
    assert sum(second.values()) == 40_000
    proposals.revise(
        proposal,
        by=alice,
        changes={
            "manual": [{"user": "mod", "bp": 500, "reason": "Lent the camera."}],
            "waivers": [{"user": "alice", "reason": "The founder waives her cut."}],
        },
    )
    third = lines(proposal)
    assert third["alice"] == 0
    assert third["mod"] == 2_210  # 5 % off the top, then its part of Alice's waiver
    assert sum(third.values()) == 40_000
    waived = Line.objects.get(revision=proposals.current(proposal), user=alice)
    assert waived.note == "Waived: The founder waives her cut."
    assert proposal.revisions.count() == 3  # every revision kept
    changes = proposals.compare(proposal.revisions.get(number=1), proposals.current(proposal))
    assert {c["user"]: c["change"] for c in changes}["mod"] == 2_210


def test_every_line_explains_itself(alice, pool, story):
    proposal = proposals.make_proposal(pool, by=alice)
    carol_line = Line.objects.get(revision=proposals.current(proposal), user__username="carol")
    assert set(carol_line.records) == {str(story.script.pk), str(story.song.pk)}
    # The drawing receives 1/2 and passes half of it on; the script has no sources.
    assert carol_line.records[str(story.script.pk)] == "1/4"
    assert carol_line.records[str(story.song.pk)] == "1/2"


def test_drafts_in_the_lineage_are_neither_paid_nor_named(alice, bob, pool, story):
    from ensemble.lineage import services as lineage

    secret = bare_record(bob, kind="image", title="Secret sketch", public=False)
    lineage.add_source(story.drawing, secret, by=bob, note="From my drafts.")
    proposal = proposals.make_proposal(pool, by=alice)
    assert str(secret.pk) not in proposal.snapshot["records"]
    assert lines(proposal) == {"bob": 10_000, "carol": 30_000}


def test_publishing_notifies_everyone_in_it_and_opens_comments(alice, bob, carol, pool):
    proposal = proposals.make_proposal(pool, by=alice)
    refused("window_closed", comments.add, carol, proposal, "Early?")
    proposals.publish(proposal, by=alice)
    assert bob.notifications.filter(kind="payment_proposal_published").exists()
    asked = comments.add(carol, proposal, "Is the song not *more* than half?")
    refused("forbidden", comments.add, bob, proposal, "Me too", reply_to=asked)
    comments.add(alice, proposal, "Weights can change: tell us.", reply_to=asked)
    assert proposal.comments.count() == 2


def test_finalizing_writes_the_ledger_once_after_the_window(alice, bob, mod, pool, settings):
    settings.PAYMENT_COMMENT_SECONDS = 3600
    proposal = proposals.make_proposal(pool, by=alice)
    refused("not_published", proposals.finalize, proposal, by=alice)
    proposals.publish(proposal, by=alice)
    refused("window_open", proposals.finalize, proposal, by=alice)
    refused("reason", proposals.finalize, proposal, by=mod)  # an admin, but no reason
    Proposal.objects.filter(pk=proposal.pk).update(
        window_closes_at=timezone.now() - timedelta(seconds=1)
    )
    proposal.refresh_from_db()
    refused("window_closed", proposals.revise, proposal, by=alice, changes={"editor_share_bp": 1})
    proposals.finalize(proposal, by=alice)
    assert dict(LedgerEntry.objects.values_list("user__username", "amount")) == {
        "bob": 10_000,
        "carol": 30_000,
    }
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == proposal.amount
    refused("final", proposals.finalize, proposal, by=alice)
    refused("final", proposals.revise, proposal, by=alice, changes={"editor_share_bp": 1})
    assert LedgerEntry.objects.count() == 2
    assert pools.balance(pool).available == 0
    assert bob.notifications.filter(kind="payment_proposal_finalized").exists()


def test_an_admin_may_finalize_early_with_the_reason_on_the_record(alice, mod, pool):
    proposal = proposals.publish(proposals.make_proposal(pool, by=alice), by=alice)
    proposals.finalize(proposal, by=mod, reason="The festival pays out before the window ends.")
    proposal.refresh_from_db()
    assert proposal.status == "final"
    assert proposal.early_reason.startswith("The festival")


def test_bad_amounts_currencies_and_strangers_change_nothing(alice, carol, story, pool):
    before = PoolEntry.objects.count()
    for amount in (0, -5, 1.5, True, 10**16):
        refused(
            "amount",
            pools.record_entry,
            pool,
            by=alice,
            kind="revenue",
            amount=amount,
            currency="EUR",
            on=TODAY,
            description="x",
        )
    refused(
        "wrong_currency",
        pools.record_entry,
        pool,
        by=alice,
        kind="revenue",
        amount=5,
        currency="USD",
        on=TODAY,
        description="x",
    )
    refused(
        "currency",
        pools.create_pool,
        story.production,
        by=alice,
        kind="profit_share",
        currency="XXX",
    )
    refused(
        "forbidden",
        pools.record_entry,
        pool,
        by=carol,
        kind="revenue",
        amount=5,
        currency="EUR",
        on=TODAY,
        description="x",
    )
    refused("forbidden", proposals.make_proposal, pool, by=carol)
    assert PoolEntry.objects.count() == before
    assert not Proposal.objects.exists()


def test_a_proposal_for_an_unreleased_production_is_refused(alice):
    from ensemble.projects.testing import make_project

    project = make_project(alice)
    film = bare_record(alice, kind="video")
    production, _ = productions.make_production(project, by=alice, record=film)
    refused(
        "not_released",
        pools.create_pool,
        production,
        by=alice,
        kind="fixed_budget",
        currency="EUR",
        budget=1000,
    )


def test_bad_adjustments_are_refused_and_keep_the_revision(alice, mod, pool):
    proposal = proposals.make_proposal(pool, by=alice)
    for changes in (
        {"weights": {"1-999999": 2}},
        {"weights": {next(iter({f"{d}-{s}" for d, s, _ in proposal.snapshot["edges"]})): -1}},
        {"pass_through_bp": 10_001},
        {"manual": [{"user": "nobody", "bp": 100, "reason": "x"}]},
        {"manual": [{"user": "alice", "bp": 0, "reason": "x"}]},
        {"waivers": [{"user": "bob", "reason": ""}]},
        {"waivers": [{"user": "bob", "reason": "a"}, {"user": "carol", "reason": "b"}]},
        {"waivers": [{"user": "mod", "reason": "mod has no share to waive"}]},
        {"colour": "red"},
    ):
        with pytest.raises(Refused):
            proposals.revise(proposal, by=alice, changes=changes)
    assert proposal.revisions.count() == 1


def test_one_open_proposal_per_pool_and_an_empty_pool_has_nothing_to_split(alice, story):
    empty = pools.create_pool(story.production, by=alice, kind="profit_share", currency="EUR")
    refused("empty", proposals.make_proposal, empty, by=alice)
    budget = pools.create_pool(
        story.production, by=alice, kind="fixed_budget", currency="EUR", budget=5_000
    )
    proposals.make_proposal(budget, by=alice)
    refused("proposal_open", proposals.make_proposal, budget, by=alice)
    refused(
        "fixed_budget",
        pools.record_entry,
        budget,
        by=alice,
        kind="revenue",
        amount=5,
        currency="EUR",
        on=TODAY,
        description="x",
    )


def test_finalizing_refuses_a_pool_that_shrank_since(alice, pool):
    proposal = proposals.publish(proposals.make_proposal(pool, by=alice), by=alice)
    Proposal.objects.filter(pk=proposal.pk).update(window_closes_at=timezone.now())
    proposal.refresh_from_db()
    pools.record_entry(
        pool,
        by=alice,
        kind="cost",
        amount=50_000,
        currency="EUR",
        on=TODAY,
        description="A late invoice",
    )
    refused("pool_short", proposals.finalize, proposal, by=alice)
    assert not LedgerEntry.objects.exists()


def test_payouts_carry_small_balances_over_and_export_the_same_csv(alice, pool, settings):
    settings.PAYMENT_COMMENT_SECONDS = 0
    proposal = proposals.publish(proposals.make_proposal(pool, by=alice), by=alice)
    proposals.finalize(proposal, by=alice)
    settings.PAYOUT_MINIMUM = 20_000  # Bob's 10,000 waits for more
    batch = ledger.make_batch(pool, by=alice)
    assert list(batch.payouts.values_list("user__username", "amount")) == [("carol", 30_000)]
    first = ledger.batch_csv(batch)
    payout = batch.payouts.get()
    ledger.mark_paid(payout, by=alice, reference="SEPA-2026-11-27-001")
    assert ledger.batch_csv(batch) == first
    assert "carol,carol,carol@example.org,300.00,EUR,30000" in first
    refused("paid", ledger.mark_paid, payout, by=alice, reference="again")
    refused("nothing_due", ledger.make_batch, pool, by=alice)
    bob_id = LedgerEntry.objects.get(user__username="bob").user_id
    assert ledger.owed(pool) == {bob_id: 10_000}


def test_the_earnings_of_a_member(alice, bob, pool, settings):
    settings.PAYMENT_COMMENT_SECONDS = 0
    proposal = proposals.publish(proposals.make_proposal(pool, by=alice), by=alice)
    proposals.finalize(proposal, by=alice)
    batch = ledger.make_batch(pool, by=alice)
    ledger.mark_paid(batch.payouts.get(user=bob), by=alice, reference="ref-1")
    told = bob.notifications.get(kind="payout_made")
    assert told.text == "€100.00 was paid to you (reference ref-1)."
    mine = ledger.earnings(bob)
    assert [(r["final"], r["paid"]) for r in mine["rows"]] == [(10_000, 10_000)]
    assert mine["totals"]["EUR"]["final"] == 10_000
    exported = ledger.earnings_csv(bob).splitlines()
    assert exported[0] == (
        "production,currency,proposed,final,paid,"
        "proposed_minor_units,final_minor_units,paid_minor_units"
    )
    assert exported[1] == "The film,EUR,0.00,100.00,100.00,0,10000,10000"


def test_the_currencies_pools_take_have_the_minor_units_of_iso_4217():
    assert pools.CURRENCIES["EUR"] == 2
    assert pools.CURRENCIES["JPY"] == pools.CURRENCIES["KRW"] == 0
    assert set(pools.CURRENCIES.values()) == {0, 2}
