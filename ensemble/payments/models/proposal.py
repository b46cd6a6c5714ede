"""Proposals: a split of a pool computed from the lineage, revised in the open, final."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from ensemble.core.refusals import Refused
from ensemble.core.states import Transitions

if TYPE_CHECKING:
    from ensemble.accounts.models import User


def _refuse(current: str, to: str) -> Refused:
    """The sentence for a move the table leaves out, as publishing and finalizing say it."""
    if to == Proposal.Status.PUBLISHED:
        label = Proposal.Status(current).label.lower()
        return Refused(f"This proposal is already {label}.", status=409, code="not_draft")
    if current == Proposal.Status.FINAL:
        return Refused("This proposal is final already.", status=409, code="final")
    if to == Proposal.Status.FINAL:
        return Refused(
            "Publish the proposal first: everyone in it gets a say.",
            status=409,
            code="not_published",
        )
    return Refused("This proposal cannot be made a draft.", status=409, code="conflict")


class Proposal(models.Model):
    """A split of `amount` (minor units) among the people in a production's lineage.

    `snapshot` freezes the lineage when the proposal is made (records and their owners,
    edges, accepted co-creators; titles are read when shown). Revisions are computed
    from it until moderators change the lineage (a missing credit added or taken back):
    then a new revision follows, with the lineage as it is then (`Revision.lineage_json`).
    Draft → published (a public comment window) → final (ledger lines written, never
    changed again): `TRANSITIONS`, through `move`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Open for comments"
        FINAL = "final", "Final"

    TRANSITIONS = Transitions(
        {
            Status.DRAFT: [Status.PUBLISHED],  # the comment window opens
            Status.PUBLISHED: [Status.FINAL],  # written into the ledger, by whom and why
            Status.FINAL: [],
        },
        refuse=_refuse,
    )

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
    # Moderators changed the lineage it was computed from since (a work in it removed, a
    # missing credit added): shown to everyone on the proposal, its leaders told. A split
    # not yet final follows an added or withdrawn credit with a new revision; a final
    # one is never changed.
    lineage_changed_at = models.DateTimeField(null=True, blank=True)
    lineage_change = models.CharField(max_length=500, blank=True)
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

    def move(self, to: str, *, by: User, why: str = "") -> None:
        """Make a move `TRANSITIONS` allows, and save it with its dates. Publishing opens
        the comment window for `PAYMENT_COMMENT_SECONDS`; finalizing records who did it
        and `why` (an admin's reason for not waiting for the window to close)."""
        self.TRANSITIONS.check(self.status, to)
        now = timezone.now()
        self.status = to
        if to == self.Status.PUBLISHED:
            self.published_at = now
            self.window_closes_at = now + timedelta(seconds=settings.PAYMENT_COMMENT_SECONDS)
            self.save(update_fields=["status", "published_at", "window_closes_at"])
        else:
            self.finalized_at = now
            self.finalized_by = by
            self.early_reason = why
            self.save(update_fields=["status", "finalized_at", "finalized_by", "early_reason"])

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
    # Nobody when the moderators changed the lineage and the split followed it (they act
    # as a team, unnamed): the reason says what changed.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    # The lineage this revision was computed from, when it is not the one before's (the
    # first revision's is the proposal's `snapshot_json`): only a revision that followed
    # a change of the lineage stores one, so revising weights never copies megabytes.
    lineage_json = models.TextField(blank=True)

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
