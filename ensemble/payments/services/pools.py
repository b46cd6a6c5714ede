"""Pools: made for a released production, fed by revenue and cost entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from ensemble.accounts.models import User
from ensemble.core.money import minor_digits
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.payments.models import Pool, PoolEntry
from ensemble.payments.services.access import require_pool_leader
from ensemble.projects import services as projects
from ensemble.projects.models import Production

# The ISO 4217 codes pools may use, with their minor units; others are refused rather
# than guessed. The places come from the same table the formatter shows money with.
ACCEPTED = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "CAD",
    "AUD",
    "NZD",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "BRL",
    "MXN",
    "INR",
    "ZAR",
    "JPY",
    "KRW",
)
CURRENCIES = {code: minor_digits(code) for code in ACCEPTED}
MAX_AMOUNT = 10**15  # minor units: ten trillion euros; more is a typo


def clean_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in CURRENCIES:
        raise Refused(
            f"“{code}” is not a currency we handle; use one of {', '.join(sorted(CURRENCIES))}.",
            field="currency",
        )
    return code


def clean_amount(amount: int, *, field: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise Refused("Amounts are whole numbers of minor units (cents).", field=field)
    if amount <= 0:
        raise Refused("The amount must be above 0.", field=field)
    if amount > MAX_AMOUNT:
        raise Refused("That amount is too large to be real.", field=field)
    return amount


def create_pool(
    production: Production,
    *,
    by: User,
    kind: str,
    currency: str,
    share_bp: int = 5_000,
    budget: int = 0,
) -> Pool:
    """A pool for a released production: a profit share (revenue − costs, times the
    contributors' share) or a fixed budget."""
    projects.require_leader(by, production.project, what="set up payments")
    if not production.releases.exists():
        raise Refused(
            "Release the production first: money follows the credits of a release.",
            status=409,
            code="not_released",
        )
    if kind not in Pool.Kind.values:
        raise Refused("A pool is a profit share or a fixed budget.", field="kind")
    currency = clean_currency(currency)
    if kind == Pool.Kind.PROFIT_SHARE:
        if not 0 < share_bp <= 10_000:
            raise Refused(
                "The contributors' share is above 0 % and at most 100 %.", field="share_bp"
            )
        budget = 0
    else:
        budget = clean_amount(budget, field="budget")
        share_bp = 10_000
    return Pool.objects.create(
        production=production,
        kind=kind,
        currency=currency,
        share_bp=share_bp,
        budget=budget,
        created_by=by,
    )


def record_entry(
    pool: Pool,
    *,
    by: User,
    kind: str,
    amount: int,
    currency: str,
    on: dt.date,
    description: str,
) -> PoolEntry:
    """A revenue or a cost, in the pool's currency."""
    require_pool_leader(by, pool, what="record revenue and costs")
    if kind not in PoolEntry.Kind.values:
        raise Refused("An entry is a revenue or a cost.", field="kind")
    if pool.kind == Pool.Kind.FIXED_BUDGET:
        raise Refused(
            "A fixed budget has no revenue or costs; its amount was set when it was made.",
            status=409,
            code="fixed_budget",
        )
    amount = clean_amount(amount)
    if clean_currency(currency) != pool.currency:
        raise Refused(
            f"This pool is in {pool.currency}; record amounts in {pool.currency}.",
            field="currency",
            code="wrong_currency",
        )
    description = checked_text(
        (description or "").strip(), field="description", label="description"
    )
    if not description or len(description) > 300:
        raise Refused("Describe the entry in 1 to 300 characters.", field="description")
    with transaction.atomic():
        return PoolEntry.objects.create(
            pool=pool, kind=kind, amount=amount, on=on, description=description, recorded_by=by
        )


@dataclass(frozen=True)
class Balance:
    revenue: int
    costs: int
    contributors: int  # what the contributors' share makes of the profit (or the budget)
    distributed: int  # finalized so far
    available: int  # what a new proposal can distribute


def balance(pool: Pool) -> Balance:
    """The pool's state now. A profit share rounds the contributors' part down to the
    minor unit: the fraction of a cent stays in the pool until there is more."""
    sums = dict(PoolEntry.objects.filter(pool=pool).values_list("kind").annotate(s=Sum("amount")))
    revenue, costs = sums.get("revenue", 0) or 0, sums.get("cost", 0) or 0
    if pool.kind == Pool.Kind.FIXED_BUDGET:
        contributors = pool.budget
    else:
        contributors = max(0, revenue - costs) * pool.share_bp // 10_000
    # Read afresh: finalizing updates it in the database, not in callers' objects.
    distributed = Pool.objects.filter(pk=pool.pk).values_list("distributed", flat=True).get()
    available = max(0, contributors - distributed)
    return Balance(revenue, costs, contributors, distributed, available)
