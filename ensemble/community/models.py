"""Hearts, follows, comments and lists: the community layer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


class Heart(models.Model):
    """One member's heart on one record: one per person, never their own."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="hearts")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "record"], name="heart_once")]
        indexes = [
            # Trending reads recent hearts per record.
            models.Index(fields=["record", "created_at"], name="heart_record_recent"),
        ]

    def __str__(self) -> str:
        return f"♥ {self.record_id} by {self.user_id}"


class Follow(models.Model):
    """A member following a person or a project (exactly one of the two)."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(project__isnull=True))
                | (Q(person__isnull=True) & Q(project__isnull=False)),
                name="follow_one_target",
            ),
            models.CheckConstraint(condition=~Q(person=F("follower")), name="follow_not_self"),
            models.UniqueConstraint(
                fields=["follower", "person"],
                condition=Q(person__isnull=False),
                name="follow_person_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "project"],
                condition=Q(project__isnull=False),
                name="follow_project_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.person_id or self.project_id}"


class Comment(models.Model):
    """A comment on a record, a project or a call (exactly one), with one level of
    replies. Deleting keeps the row (its replies stay readable) and drops the words."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    record = models.ForeignKey(
        "records.Record", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    call = models.ForeignKey(
        "projects.Call", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(max_length=5_000)
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record__isnull=False) & Q(project__isnull=True) & Q(call__isnull=True))
                | (Q(record__isnull=True) & Q(project__isnull=False) & Q(call__isnull=True))
                | (Q(record__isnull=True) & Q(project__isnull=True) & Q(call__isnull=False)),
                name="comment_one_target",
            )
        ]
        indexes = [
            # A thing's comments in order (each target has its own column).
            models.Index(fields=["record", "id"], name="comment_record"),
            models.Index(fields=["project", "id"], name="comment_project"),
            models.Index(fields=["call", "id"], name="comment_call"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.target.get_absolute_url()}#comment-{self.pk}"  # type: ignore[attr-defined]

    @property
    def target(self) -> models.Model:
        return self.record or self.project or self.call  # type: ignore[return-value]


class RecordList(models.Model):
    """A public, ordered list of records anyone curates ("re-RECs"), a note per item."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_lists"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5_000)
    description_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:list", args=[self.pk])


class ListItem(models.Model):
    record_list = models.ForeignKey(RecordList, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_list", "record"], name="list_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} in list {self.record_list_id}"


class RecordTrend(models.Model):
    """A record's trending score as last computed (`services.trending.recompute`): the
    decayed sum of the hearts, remixes and entries it got lately. Only the top records
    have a row."""

    record = models.OneToOneField("records.Record", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The trending list: best first.
        indexes = [models.Index(fields=["-score"], name="trend_best_first")]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.score:.3f}"
