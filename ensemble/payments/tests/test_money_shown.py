"""Every page, email and notification that shows money shows it as money ("€1,234.57"),
never as a bare count of minor units ("123457 EUR"); the CSVs keep exact machine values
in named columns."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.test import Client

from ensemble.notifications.tasks import email_notification
from ensemble.payments.services import ledger, pools, proposals
from ensemble.payments.testing import released_production

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)
# Minor units next to a currency code or sign, either way round: "33462 EUR", "€ 632000".
BARE = re.compile(r"(?<![\d.,])\d{3,}\s*(?:EUR|€)|(?:EUR|€)\s*\d{3,}(?![\d.,])")


def visible(page: str) -> str:
    """The text a person reads (and a screen reader: the chart's <title>s included)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_money_shown_as_money(text: str, amounts: set[int]) -> None:
    assert not BARE.search(text), BARE.search(text)
    for amount in amounts:
        found = re.search(rf"(?<![\d.,]){amount}(?![\d.,])", text)
        context = text[found.start() - 80 : found.end() + 80] if found else ""
        assert found is None, f"{amount} (minor units) is on the page: …{context}…"


@pytest.fixture
def paid(alice, bob, carol, settings, django_capture_on_commit_callbacks):
    """A profit share with odd amounts, a proposal revised by a waiver, finalized and
    paid out: every kind of amount there is."""
    settings.PAYMENT_COMMENT_SECONDS = 0
    story = released_production(alice, bob, carol)
    pool = pools.create_pool(story.production, by=alice, kind="profit_share", currency="EUR")
    pools.record_entry(
        pool,
        by=alice,
        kind="revenue",
        amount=123_457,
        currency="EUR",
        on=TODAY,
        description="Streaming licence",
    )
    pools.record_entry(
        pool, by=alice, kind="cost", amount=4_321, currency="EUR", on=TODAY, description="Subtitles"
    )
    proposal = proposals.make_proposal(pool, by=alice)
    proposals.revise(proposal, by=alice, changes={"waivers": [{"user": "bob", "reason": "Gift."}]})
    proposals.publish(proposal, by=alice)
    proposals.finalize(proposal, by=alice)
    batch = ledger.make_batch(pool, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        ledger.mark_paid(batch.payouts.get(user=carol), by=alice, reference="SEPA 1")
    balance = pools.balance(pool)
    amounts = {
        123_457,
        4_321,
        balance.contributors,
        balance.distributed,
        proposal.amount,
        *proposal.revisions.values_list("lines__amount", flat=True),
        *batch.payouts.values_list("amount", flat=True),
    }
    return story, pool, proposal, {a for a in amounts if a and a >= 100}


def test_every_page_that_shows_money_shows_it_as_money(alice, carol, paid):
    story, pool, proposal, amounts = paid
    assert proposal.amount == 59_568  # (1,234.57 − 43.21) × 50 %
    leader = Client()
    leader.force_login(alice)
    payee = Client()
    payee.force_login(carol)
    pages = {
        f"/projects/{story.project.slug}/payments": (leader, ["€595.68"]),
        f"/pools/{pool.pk}": (leader, ["€1,234.57", "€43.21", "€595.68", "€0.00"]),
        f"/proposals/{proposal.pk}": (payee, ["How €595.68 is split", "€595.68 ·"]),
        f"/proposals/{proposal.pk}?a=1&b=2": (payee, ["+€148.92", "-€148.92"]),
        "/me/earnings": (payee, ["€595.68"]),
        "/notifications/": (payee, ["€595.68 was paid to you"]),
    }
    for url, (client, expected) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible(response.content.decode())
        assert_money_shown_as_money(text, amounts)
        for shown in expected:
            assert shown in text, (url, shown)
    [payout] = [m for m in mail.outbox if "paid to you" in m.body] or [None]
    if payout is None:  # the email is the worker's: send the one queued for this payout
        notification = carol.notifications.get(kind="payout_made")
        email_notification.call(notification.pk)
        [payout] = [m for m in mail.outbox if "paid to you" in m.body]
    assert "€595.68 was paid to you" in payout.body
    assert_money_shown_as_money(payout.subject + payout.body, amounts)


def test_the_csvs_keep_exact_machine_values_in_named_columns(alice, carol, paid):
    _, pool, _, _ = paid
    leader = Client()
    leader.force_login(alice)
    rows = leader.get(f"/pools/{pool.pk}/payouts/1.csv").content.decode().splitlines()
    assert rows[0] == "batch,payee,name,email,amount,currency,minor_units"
    assert rows[1].endswith(",595.68,EUR,59568")
    payee = Client()
    payee.force_login(carol)
    rows = payee.get("/me/earnings.csv").content.decode().splitlines()
    assert rows[0].endswith(",proposed_minor_units,final_minor_units,paid_minor_units")
    assert rows[1].endswith(",EUR,0.00,595.68,595.68,0,59568,59568")
