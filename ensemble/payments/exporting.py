"""Payments' part of a member's export (`accounts.exports`): what the ledger says they
were given, and the payouts made to them."""

from __future__ import annotations

from ensemble.accounts.exports import Part
from ensemble.accounts.models import User
from ensemble.payments.models import LedgerEntry, Payout


def collect(user: User) -> Part:
    ledger = LedgerEntry.objects.filter(user=user).order_by("pk")
    payouts = Payout.objects.filter(user=user).order_by("pk")
    return Part(
        {
            "ledger": list(
                ledger.values("pool_id", "proposal_id", "amount", "currency", "created_at")
            ),
            "payouts": list(payouts.values("amount", "currency", "paid_at", "reference")),
            "amounts": "in minor units (cents): 1234 EUR is 12.34 euros",
        }
    )
