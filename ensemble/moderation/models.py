"""Reports members make, the messages on them, and the audit log of what moderators did.

A report names what it is about by kind and id (`targets.py` knows each kind) rather
than by one nullable key per kind: a new reportable kind is a target, not a migration.
The audit log is append-only: its rows are written once and never changed or deleted
through the ORM (`AuditEntry.save`, `AuditQuerySet`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

TEXT_LENGTH = 2_000  # a report's text, a message, a moderator's note


class Kind(models.TextChoices):
    RECORD = "record", "Record"
    COMMENT = "comment", "Comment"
    MEMBER = "member", "Member"
    PROJECT = "project", "Project"
    CALL = "call", "Call"


class Report(models.Model):
    """A member's word that something on the site is wrong, and what became of it."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        HARASSMENT = "harassment", "Harassment or hate"
        SEXUAL = "sexual", "Sexual content"
        VIOLENCE = "violence", "Violence"
        PRIVACY = "privacy", "Someone's private information"
        RIGHTS = "rights", "My work, uncredited or used against its licence"
        RULES = "rules", "Against the site's rules"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        UPHELD = "upheld", "Upheld"

    # SET_NULL: a report outlives its reporter's account (deletion keeps what it led to).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField()
    # Whose thing it was when reported: a moderator never decides on their own things,
    # and the queue shows the owner's history.
    target_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_against",
    )
    target_label = models.CharField(max_length=200)  # what it was called, when reported
    reason = models.CharField(max_length=12, choices=Reason.choices)
    text = models.TextField(max_length=TEXT_LENGTH)
    # A rights report names the original: a record here, or a page elsewhere.
    original_record = models.ForeignKey(
        "records.Record", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    original_url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(max_length=TEXT_LENGTH, blank=True)  # told to the reporter

    class Meta:
        permissions = [("moderate", "Can moderate: the report queue and its actions")]
        constraints = [
            # One open report per member and thing: a second is refused, not queued twice.
            models.UniqueConstraint(
                fields=["reporter", "kind", "target_id"],
                condition=Q(state="open"),
                name="report_one_open_per_member_and_thing",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(decided_at__isnull=False),
                name="report_decided_has_a_time",
            ),
        ]
        indexes = [
            # The queue: open (or any state) reports, oldest first.
            models.Index(fields=["state", "id"], name="report_queue"),
            # "Your reports", newest first.
            models.Index(fields=["reporter", "-id"], name="report_by_reporter"),
            # Every report on one thing: the other open ones a removal closes too.
            models.Index(fields=["kind", "target_id"], name="report_target"),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.kind} {self.target_id}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:report", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ReportMessage(models.Model):
    """A message on a report, between its reporter and the moderators."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_moderator = models.BooleanField(default=False)
    body = models.TextField(max_length=TEXT_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk} on report {self.report_id}"


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only: its entries are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only: its entries are never deleted.")

    def concerning(self, user: Any) -> AuditQuerySet:
        """The entries about this member's things, for them to read."""
        return self.filter(target_owner=user)


class AuditEntry(models.Model):
    """One moderation action: who did what to which thing, why, and what it was before
    and after. Written once, in the transaction of the action itself."""

    class Action(models.TextChoices):
        DISMISS = "dismiss", "Dismissed a report"
        REMOVE = "remove", "Removed"
        HIDE = "hide", "Hidden"
        WARN = "warn", "Warned"
        SUSPEND = "suspend", "Suspended"
        BAN = "ban", "Banned"
        CREDIT = "credit", "Added a missing credit"
        RESTORE = "restore", "Undone on appeal"
        KEEP = "keep", "Upheld on appeal"
        LIFT = "lift", "Lifted a suspension or ban"
        GRANT = "grant", "Made a moderator"
        REVOKE = "revoke", "No longer a moderator"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField()
    target_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit"
    )
    note = models.TextField(max_length=TEXT_LENGTH)  # the reason, as the owner is told it
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditQuerySet.as_manager()
    append_only = True  # nothing rewrites it, the demo's clock included

    class Meta:
        ordering = ["-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        indexes = [
            # What happened to one thing (a tombstone's reason, a thing's history).
            models.Index(fields=["kind", "target_id", "-id"], name="audit_target"),
            # What happened to one member's things, newest first.
            models.Index(fields=["target_owner", "-id"], name="audit_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.kind} {self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit log is append-only: its entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only: its entries are never deleted.")


class Appeal(models.Model):
    """The owner's one appeal against a moderation action on their thing, decided by
    another moderator than the one who acted."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        GRANTED = "granted", "Granted: given back"
        DENIED = "denied", "Denied"

    # One appeal per action: the database refuses a second (PROTECT: the log keeps both).
    action = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="appeal")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="appeals"
    )
    text = models.TextField(max_length=TEXT_LENGTH)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(max_length=TEXT_LENGTH, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | Q(decided_at__isnull=False),
                name="appeal_decided_has_a_time",
            ),
        ]
        indexes = [
            # The moderators' list of appeals, oldest first.
            models.Index(fields=["state", "id"], name="appeal_queue"),
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} against {self.action}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:appeal", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
