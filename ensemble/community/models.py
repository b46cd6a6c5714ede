"""Hearts, follows, comments and lists: the community layer."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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


class CommentQuerySet(models.QuerySet["Comment"]):
    def on(self, subject: models.Model) -> CommentQuerySet:
        """The comments on one subject (a record, a project, a call, a proposal…). The
        kind is matched by name in the same query, not looked up first: a page costs
        the same queries whether or not this process has met that kind yet."""
        meta = (subject._meta.concrete_model or type(subject))._meta
        return self.filter(
            subject_type__app_label=meta.app_label,
            subject_type__model=meta.model_name,
            subject_id=subject.pk,
        )


class Comment(models.Model):
    """A member's word on a subject another app owns: a record, a project or a call
    (community's own rules) or anything an app registered a `CommentPolicy` for (a
    payment proposal). One level of replies. Deleting keeps the row (its replies stay
    readable) and drops the words.

    The subject is a content type and an id rather than one nullable key per kind, so
    a new kind of subject is a policy, not a migration."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    # PROTECT: a comment is part of a conversation others answered, and on a payment
    # proposal part of the open record of how a split was questioned.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(max_length=5_000)
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Its words were removed by moderators (moderation), not by whoever wrote them.
    removed_by_moderators = models.BooleanField(default=False)
    # The id this comment had as a `payments.Comment` before the two comment tables
    # became this one (issue 16): its page keeps that anchor too, so that links in
    # emails sent before still land on it. Empty for every other comment.
    former_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A subject's comments in order: threads, pages, the API's cursor.
            models.Index(fields=["subject_type", "subject_id", "id"], name="comment_subject"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"

    def get_absolute_url(self) -> str:
        from ensemble.community.comment_policy import policy_for

        subject = self.subject
        if subject is None:  # deleted outright, not through the site: no page shows it
            return reverse("home")
        return f"{policy_for(subject).page_url(subject)}#comment-{self.pk}"

    def is_on(self, subject: models.Model) -> bool:
        kind = ContentType.objects.get_for_model(subject)
        return self.subject_type_id == kind.pk and self.subject_id == subject.pk


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
