"""The ledger: what finalized proposals owe each person, and what was paid."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class LedgerEntry(models.Model):
    """An amount a final proposal moved from a pool to a person. Written once, when the
    proposal is finalized, and never changed (`save` refuses an update)."""

    pool = models.ForeignKey("payments.Pool", on_delete=models.PROTECT, related_name="ledger")
    proposal = models.ForeignKey(
        "payments.Proposal", on_delete=models.PROTECT, related_name="ledger"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    amount = models.BigIntegerField()  # minor units, above 0
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.UniqueConstraint(fields=["proposal", "user"], name="ledger_once_per_person"),
        ]
        indexes = [
            # A member's earnings and balance per currency.
            models.Index(fields=["user", "currency"], name="ledger_user_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} to {self.user_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Ledger entries are never changed once written.")
        super().save(*args, **kwargs)


class PayoutBatch(models.Model):
    """Everyone a pool owes at least the minimum payout, at one moment; exported as CSV
    for a bank or payment provider (the same file every time)."""

    pool = models.ForeignKey("payments.Pool", on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "number"], name="payout_batch_number_once")
        ]

    def __str__(self) -> str:
        return f"payout batch {self.number} of pool {self.pool_id}"


class Payout(models.Model):
    """One payment to one person in a batch; `paid_at` and `reference` once it is made."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["batch", "user_id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.UniqueConstraint(fields=["batch", "user"], name="payout_once_per_batch"),
        ]
        indexes = [models.Index(fields=["user", "currency"], name="payout_user_currency")]

    def __str__(self) -> str:
        return f"payout {self.amount} {self.currency} to {self.user_id}"
