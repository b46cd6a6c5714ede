"""Entries to calls, every decision on them, and reviewers' scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Entry(models.Model):
    """A record submitted to a call. Its state changes only through decisions (logged)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        SELECTED = "selected", "Selected"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    call = models.ForeignKey("projects.Call", on_delete=models.CASCADE, related_name="entries")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="entries")
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    score_count = models.PositiveIntegerField(default=0)  # least-reviewed first
    score_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "record"], name="entry_record_once_per_call"),
        ]
        indexes = [
            # The review grid: a call's entries by state, least reviewed first.
            models.Index(fields=["call", "state", "score_count", "id"], name="entry_review"),
            # "Your entries" and the per-person limit.
            models.Index(fields=["call", "entrant"], name="entry_call_entrant"),
        ]

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.state})"

    @property
    def score_mean(self) -> float | None:
        return self.score_total / self.score_count if self.score_count else None


class Decision(models.Model):
    """One change of an entry's state: who, when, from what, to what, and why."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="decisions")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, choices=Entry.State.choices)
    to_state = models.CharField(max_length=12, choices=Entry.State.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")), name="decision_changes_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Score(models.Model):
    """A reviewer's 1–5 for an entry; one per reviewer, changeable."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "reviewer"], name="score_once_per_reviewer"),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=5), name="score_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} for {self.entry_id}"


class EntryUpload(models.Model):
    """A record uploaded straight into a call (from the call page or event mode), waiting
    to be processed. When its first version is ready the record is published and entered
    (`entry_uploads.settle`); the row then goes. Until then it counts towards the
    per-person limit, and the time it was made is the time of entry, so an upload made
    before the deadline counts even if processing finishes after it. If the call closed
    meanwhile, `problem` says so and the record stays a draft."""

    call = models.ForeignKey("projects.Call", on_delete=models.CASCADE, related_name="uploads")
    record = models.OneToOneField(
        "records.Record", on_delete=models.CASCADE, related_name="entry_upload"
    )
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_uploads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The per-person limit and "your uploads" on the call and event pages.
            models.Index(fields=["call", "entrant"], name="entry_upload_call_entrant"),
        ]

    def __str__(self) -> str:
        return f"upload of record {self.record_id} into call {self.call_id}"
