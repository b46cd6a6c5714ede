"""Pools: the money for a production, and the revenue and costs that make it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Pool(models.Model):
    """Money set aside for the people in a production's lineage, in one currency.

    *Profit share*: (revenue − costs) × the contributors' share (hitRECord's 50 %).
    *Fixed budget*: an amount set aside up front (a TV episode, a commission). Amounts are
    integers in the currency's minor units (cents); shares are basis points (1/10,000).
    """

    class Kind(models.TextChoices):
        PROFIT_SHARE = "profit_share", "Profit share"
        FIXED_BUDGET = "fixed_budget", "Fixed budget"

    production = models.ForeignKey(
        "projects.Production", on_delete=models.PROTECT, related_name="pools"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    currency = models.CharField(max_length=3)  # ISO 4217, upper case
    share_bp = models.PositiveIntegerField(default=5_000)  # profit share: contributors' part
    budget = models.BigIntegerField(default=0)  # fixed budget, minor units
    distributed = models.BigIntegerField(default=0)  # finalized so far, minor units
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_bp__gte=0) & Q(share_bp__lte=10_000), name="pool_share_bp_range"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="pool_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(distributed__gte=0), name="pool_distributed_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} pool {self.pk} ({self.currency})"


class PoolEntry(models.Model):
    """A revenue or a cost, as a leader recorded it. Never edited: a mistake is undone by
    an entry the other way, so the history stays whole."""

    class Kind(models.TextChoices):
        REVENUE = "revenue", "Revenue"
        COST = "cost", "Cost"

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    amount = models.BigIntegerField()  # minor units, above 0
    on = models.DateField()
    description = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pool_entry_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.on}"
