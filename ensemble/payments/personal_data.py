"""What payments holds of a member, for `accounts`: their part of an export (what the
ledger says they were given, the payouts made to them), and what is still owed to
them, shown before their account is deleted."""

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


def owed(user: User) -> list[str]:
    """What the ledger owes this member and has not paid, per currency, as sentences
    (`accounts.deletion` shows them before an account is deleted)."""
    from ensemble.core.money import format_money
    from ensemble.payments.services import ledger

    totals = ledger.earnings(user)["totals"]
    return [
        f"{format_money(t['final'] - t['paid'], currency)} not yet paid out"
        for currency, t in sorted(totals.items())
        if t["final"] > t["paid"]
    ]
