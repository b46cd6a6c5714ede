"""Who made a record besides its owner, and how much storage each member uses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CoCreator(models.Model):
    """A member the owner invited to share credit for a record; credited once accepted."""

    class State(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    record = models.ForeignKey(
        "records.Record", on_delete=models.CASCADE, related_name="cocreators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cocreations"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "user"], name="cocreator_once_per_record"),
            models.CheckConstraint(
                condition=Q(state="invited") | Q(responded_at__isnull=False),
                name="cocreator_answer_has_time",
            ),
        ]
        indexes = [
            # "Invitations waiting for me" and the drafts a co-creator may see.
            models.Index(fields=["user", "state"], name="cocreator_user_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.record_id} ({self.state})"


class StorageUsage(models.Model):
    """Bytes of originals a member has uploaded, counted against their quota.

    A row per member updated with a conditional UPDATE, so two uploads at once can never
    both squeeze under the quota (see `records.storage.reserve`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    used_bytes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(used_bytes__gte=0), name="storage_usage_positive")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.used_bytes} bytes"
