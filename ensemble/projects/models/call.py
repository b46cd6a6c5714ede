"""Calls: requests for specific contributions, with their rules and review settings."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ensemble.core.refusals import Refused
from ensemble.core.states import Transitions

# Lower case without look-alikes (no i, l, o, 0, 1): people type it off a screen.
EVENT_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_event_code() -> str:
    """Six characters: 31**6, about 890 million codes."""
    return "".join(secrets.choice(EVENT_CODE_ALPHABET) for _ in range(6))


class Call(models.Model):
    """A request for contributions (hitRECord's REquests), usually inside a project.

    Entries are accepted while the call is open and its deadline has not passed. Leaders
    review while it is open; closing it locks the decisions, resolving it records that a
    production was made from it (`TRANSITIONS`, `move`). A *sealed* call shows its
    entries only to the leaders (and each entrant their own) until it closes; *blind
    review* hides entrants' names from the reviewers.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        RESOLVED = "resolved", "Resolved"

    # Forward only (a call may skip closed); making a call what it is changes nothing.
    TRANSITIONS = Transitions(
        {
            Status.OPEN: [Status.OPEN, Status.CLOSED, Status.RESOLVED],
            Status.CLOSED: [Status.CLOSED, Status.RESOLVED],
            Status.RESOLVED: [Status.RESOLVED],
        },
        refuse=lambda current, to: Refused(
            f"A {current} call cannot be made {to} again.", status=409
        ),
    )

    class Visibility(models.TextChoices):
        OPEN = "open", "Entries visible to everyone"
        SEALED = "sealed", "Entries visible to the leaders until the call closes"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="calls"
    )
    stage = models.ForeignKey(
        "projects.Stage", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    title = models.CharField(max_length=200)
    brief = models.TextField(max_length=20_000)
    brief_html = models.TextField(editable=False)
    brief_record = models.ForeignKey(
        "records.Record", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_kinds = models.JSONField(default=list)  # Record.Kind values; empty: any
    skills = models.JSONField(default=list)  # accounts.Skill values wanted; see `matching`
    deadline = models.DateTimeField()
    requires_resources = models.BooleanField(default=False)
    max_entries_per_person = models.PositiveSmallIntegerField(default=3)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default="open")
    blind_review = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A short code for event mode's link and QR code (/e/<code>); random, unique. The
    # link works only while a leader has event mode switched on (for a live show).
    event_code = models.CharField(max_length=12, unique=True)
    event_mode = models.BooleanField(default=False)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            # Open calls closing soonest first, filtered by status.
            models.Index(fields=["status", "deadline"], name="call_status_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_entries_per_person__gte=1), name="call_entries_per_person_min"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:call", args=[self.pk])

    def move(self, to: str) -> None:
        """Change the status as `TRANSITIONS` allows, and save. Event mode's link stops
        working once the call is no longer open."""
        self.TRANSITIONS.check(self.status, to)
        self.status = to
        if to != self.Status.OPEN:
            self.event_mode = False
        self.save(update_fields=["status", "event_mode"])

    @property
    def accepts_entries(self) -> bool:
        return self.status == self.Status.OPEN and timezone.now() < self.deadline

    @property
    def is_sealed_now(self) -> bool:
        return self.visibility == self.Visibility.SEALED and self.status == self.Status.OPEN


class CallResource(models.Model):
    """A record entries should build on; when the call requires it, entries must cite one."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="resource_links")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "record"], name="call_resource_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} for call {self.call_id}"
