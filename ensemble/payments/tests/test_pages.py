"""The payments pages: a pool from the project, entries, a proposal with its chart and
explanations, adjustments, comments, finalizing, payouts, earnings; and who sees what."""

from __future__ import annotations

import pytest
from django.test import Client

from ensemble.payments.models import LedgerEntry, Pool, Proposal
from ensemble.payments.testing import released_production

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(alice, bob, carol):
    return released_production(alice, bob, carol)


def test_the_whole_flow_from_the_pages(alice, bob, carol, client, story, settings):
    settings.PAYMENT_COMMENT_SECONDS = 0
    client.force_login(alice)
    slug = story.project.slug
    assert f"/projects/{slug}/payments" in client.get(f"/projects/{slug}/").content.decode()
    response = client.post(
        f"/projects/{slug}/payments",
        {
            "production": story.production.pk,
            "kind": "profit_share",
            "currency": "eur",
            "share_percent": "50",
        },
    )
    pool = Pool.objects.get()
    assert response["Location"] == f"/pools/{pool.pk}"
    sale = {"kind": "revenue", "amount": "800.00", "on": "2026-11-27", "description": "Sales"}
    client.post(f"/pools/{pool.pk}/entries", sale)
    bad = client.post(f"/pools/{pool.pk}/entries", sale | {"amount": "1.005"}, follow=True)
    assert "at most" in bad.content.decode()
    assert pool.entries.count() == 1
    response = client.post(f"/pools/{pool.pk}/proposals")
    proposal = Proposal.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page
    assert "split-chart" in page
    assert "The script" in page
    assert "Reached through" in page
    assert Client().get(f"/proposals/{proposal.pk}").status_code == 404  # a draft
    client.post(
        f"/proposals/{proposal.pk}/adjust",
        {"action": "waive", "user": "bob", "reason": "He asked to."},
    )
    assert proposal.revisions.count() == 2
    client.post(f"/proposals/{proposal.pk}/publish")
    other = Client()
    other.force_login(carol)
    assert "Waived: He asked to." in other.get(f"/proposals/{proposal.pk}").content.decode()
    page = other.get(f"/proposals/{proposal.pk}?a=1&b=2").content.decode()
    assert "Revision 1 → 2" in page
    client.post(f"/proposals/{proposal.pk}/finalize")
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == proposal.amount
    client.post(f"/pools/{pool.pk}/payouts")
    csv = client.get(f"/pools/{pool.pk}/payouts/1.csv")
    assert csv.content.decode().splitlines()[1].endswith(",EUR,40000")
    earnings = other.get("/me/earnings").content.decode()
    assert "400.00" in earnings
    assert other.get("/me/earnings.csv").content.decode().startswith("production,")
    assert other.get(f"/pools/{pool.pk}/payouts/1.csv").status_code == 404  # leaders only


def test_strangers_cannot_act_and_drafts_stay_hidden(alice, carol, client, story):
    client.force_login(alice)
    client.post(
        f"/projects/{story.project.slug}/payments",
        {
            "production": story.production.pk,
            "kind": "fixed_budget",
            "currency": "EUR",
            "budget": "100",
        },
    )
    pool = Pool.objects.get()
    assert pool.budget == 10_000
    client.post(f"/pools/{pool.pk}/proposals")
    proposal = Proposal.objects.get()
    client.force_login(carol)
    assert client.get(f"/proposals/{proposal.pk}").status_code == 404
    assert client.post(f"/proposals/{proposal.pk}/publish").status_code == 404
    assert client.post(f"/pools/{pool.pk}/proposals").status_code == 404
    assert "Compute a proposal" not in client.get(f"/pools/{pool.pk}").content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def _proposal_with(alice, story, extra):
    """A proposal whose lineage has `extra` more contributors, each with a record the
    film uses."""
    from ensemble.accounts.testing import make_user
    from ensemble.lineage import services as lineage
    from ensemble.lineage.testing import bare_record
    from ensemble.payments.services import pools, proposals

    for n in range(extra):
        person = make_user(f"fan{extra}x{n}")
        lineage.add_source(story.film, bare_record(person, kind="image"), by=alice, note="Used.")
    pool = pools.create_pool(
        story.production, by=alice, kind="fixed_budget", currency="EUR", budget=1_000_000 + extra
    )
    return proposals.make_proposal(pool, by=alice)


def test_the_proposal_page_costs_the_same_queries_for_3_or_30_people(alice, bob, carol, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    counts = []
    for extra in (1, 28):
        story = released_production(alice, bob, carol)
        proposal = _proposal_with(alice, story, extra)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/proposals/{proposal.pk}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_proposal_says_what_was_left_at_its_default_and_each_line_adds_up(
    alice, carol, client, story
):
    from ensemble.lineage import services as lineage
    from ensemble.lineage.testing import bare_record
    from ensemble.payments.services import pools, proposals

    muse = bare_record(carol, kind="text", title="A muse")
    lineage.add_source(story.film, muse, by=alice, note="What set it off.", kind="inspired_by")
    pool = pools.create_pool(
        story.production, by=alice, kind="fixed_budget", currency="EUR", budget=64_349
    )
    proposal = proposals.make_proposal(pool, by=alice)
    proposals.revise(proposal, by=alice, changes={"waivers": [{"user": "bob", "reason": "Gift."}]})
    client.force_login(alice)
    page = client.get(f"/proposals/{proposal.pk}").content.decode()
    assert "Editor share: <strong>0 %</strong>" in page
    assert "Left at its default: the production&#x27;s own creators (Alice Archer)" in page
    assert "“Inspired by”: <strong>1 in this lineage</strong>" in page
    assert "weighs 0 by default, so it receives no money" in page
    # Carol's whole pool, as a sum: the song, the script, and Bob's waived share.
    assert "How €643.49 adds up" in page
    assert "+€160.87</span> part of what others waived" in page
    assert "= €643.49</span> paid" in page
    assert "-€160.87</span> waived: goes to everyone else" in page
