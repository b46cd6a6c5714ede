"""A project: a collaboration with an owner and leaders, stages and starting material."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Project(models.Model):
    """A collaboration towards one finished work (or several cuts of it).

    The owner and the leaders run it: they post calls, review entries and release the
    production. Its status is shown to everyone; a draft project is seen by its leaders,
    and so is one moderators hid (`hidden_at`, with the reason), by them and moderators.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        IN_PRODUCTION = "in_production", "In production"
        RELEASED = "released", "Released"
        ARCHIVED = "archived", "Archived"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20_000)
    description_html = models.TextField(blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_projects"
    )
    cover = models.ForeignKey(
        "records.Record", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Payments: the part of what a record receives that it passes on to its own sources
    # (DESIGN.md, "Suggested split"), in basis points; proposals start from it.
    pass_through_bp = models.PositiveIntegerField(default=5_000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Moderators hid it (`projects.services.hiding`): like a draft, its calls, pools
    # and comments with it, for everyone but its leaders and the moderators.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The list of projects, newest first, by status.
            models.Index(fields=["status", "-id"], name="project_status_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.slug])

    @property
    def is_visible_to_everyone(self) -> bool:
        return self.status != self.Status.DRAFT and self.hidden_at is None


def visible_to_everyone(via: str = "") -> Q:
    """`Project.is_visible_to_everyone` in a query, for projects reached through `via`
    ("" for projects themselves, "production__project__" for releases…); calls have
    `call_visible_to_everyone`."""
    return ~Q(**{f"{via}status": Project.Status.DRAFT}) & Q(**{f"{via}hidden_at__isnull": True})


def call_visible_to_everyone(via: str = "") -> Q:
    """The same for calls reached through `via` ("" for calls themselves, "call__" for
    entries): a call outside any project is everyone's."""
    return Q(**{f"{via}project__isnull": True}) | visible_to_everyone(f"{via}project__")


class Leader(models.Model):
    """A member who runs the project with its owner: calls, review, releases."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="leaders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="led_projects"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="leader_once_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} leads {self.project_id}"


class Stage(models.Model):
    """One step of the pipeline (Writing, Illustration, Score…), in order."""

    class State(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        ACTIVE = "active", "Active"
        DONE = "done", "Done"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPCOMING)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="stage_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class StatusUpdate(models.Model):
    """News from the leaders, shown on the project page and sent to followers."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"update {self.pk} of {self.project_id}"


class ProjectResource(models.Model):
    """A record the leaders offer as starting material (the poem, the reading…)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="resources")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "record"], name="resource_once_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} in {self.project_id}"
