"""In-app notifications and each member's delivery preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from ensemble.notifications import kinds, rendering
from ensemble.notifications.kinds import Delivery


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: models.Model) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a member should know about: who did what, to which thing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Held back from its own email (another about the same thread went out this quarter
    # hour): the daily digest carries it instead.
    to_digest = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The unread count in every page header, and the newest-first list.
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["recipient", "-id"], name="notif_recipient_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def kind_spec(self) -> kinds.Kind:
        # notify() refuses unknown kinds; this only meets rows of a kind since removed.
        try:
            return kinds.get(self.kind)
        except LookupError:
            return kinds.retired(self.kind)

    @cached_property
    def text(self) -> str:
        """The sentence as Markdown (cached: describing may follow relations)."""
        return self.kind_spec.describe(self)

    @property
    def text_html(self) -> SafeString:
        """The sentence rendered and sanitised, inline tags only (see `rendering`)."""
        return rendering.as_html(self.text)

    @property
    def text_plain(self) -> str:
        """The sentence without Markdown, for text email and subjects."""
        return rendering.as_plain(self.text)

    @property
    def link(self) -> str:
        return self.kind_spec.link(self)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one member wants one kind delivered; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=50)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} → {self.delivery}"
