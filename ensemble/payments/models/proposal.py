"""Proposals: a split of a pool computed from the lineage, revised in the open, final."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property


class Proposal(models.Model):
    """A split of `amount` (minor units) among the people in a production's lineage.

    `snapshot` freezes the lineage when the proposal is made (edges, creators, titles),
    so every revision is computed from the same graph. Draft → published (a public
    comment window) → final (ledger lines written, never changed again).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Open for comments"
        FINAL = "final", "Final"

    pool = models.ForeignKey("payments.Pool", on_delete=models.PROTECT, related_name="proposals")
    amount = models.BigIntegerField()  # minor units to distribute, fixed when made
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The frozen lineage as compact JSON text (see `snapshot`): megabytes for a big
    # lineage, stored as text because PostgreSQL would spend half a second making jsonb
    # of it, and deferred by lookups that only show a proposal.
    snapshot_json = models.TextField()
    record_count = models.PositiveIntegerField(default=0)  # records in the snapshot
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    window_closes_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    early_reason = models.CharField(max_length=500, blank=True)  # an admin finalized early
    # Anyone's word while the window is open (`community.Comment`; the rules are
    # `payments.comment_policy`). A relation, not a column: deleting a proposal takes
    # its comments with it.
    comments = GenericRelation(
        "community.Comment",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="proposal",
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="proposal_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"proposal {self.pk} ({self.status})"

    @cached_property
    def snapshot(self) -> dict[str, Any]:
        """{"root", "records": {id: owner}, "edges": [[derived, source, kind]],
        "cocreators": {id: [user ids]}}, as `services.snapshot.take` made it."""
        frozen: dict[str, Any] = json.loads(self.snapshot_json)
        return frozen

    @property
    def window_open(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.window_closes_at is not None
            and timezone.now() < self.window_closes_at
        )


class Revision(models.Model):
    """One version of a proposal's adjustments and the lines they gave. Every revision is
    kept, with who made it and why, so any two can be compared."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    # {"pass_through_bp", "editor_share_bp", "weights": {"d-s": w}, "manual": [{user, bp,
    #  reason}], "waivers": [{user, reason}], "exclusions": [{user, reason}]}
    adjustments = models.JSONField()
    reason = models.CharField(max_length=500, blank=True)
    # People whose share comes to less than a cent and who have no line of their own
    # (no waiver, exclusion or manual line): counted, not stored.
    unlisted = models.PositiveIntegerField(default=0)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of proposal {self.proposal_id}"


class Line(models.Model):
    """What one person gets in one revision, and why: `records` maps each record that
    gave them something to the exact share of the pool it gave ("0" for a manual line).
    A waived or excluded person keeps a line of 0 with the reason, for everyone to see."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="lines")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()  # minor units
    exact = models.TextField()  # the exact share of the pool, "numerator/denominator"
    # {record id: exact share it gave, as "n/d"} as JSON text: see `records`. Text, not
    # jsonb: PostgreSQL's bulk insert of jsonb arrays cost half a second per 15,000 lines.
    records_json = models.TextField()
    note = models.CharField(max_length=500, blank=True)  # waived, excluded, manual: why

    class Meta:
        ordering = ["-amount", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "user"], name="line_once_per_person"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to {self.user_id}"

    @cached_property
    def records(self) -> dict[str, str]:
        found: dict[str, str] = json.loads(self.records_json)
        return found
