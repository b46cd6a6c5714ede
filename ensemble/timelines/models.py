"""Timelines (a production's edit), their revisions, their renders and the citations
they placed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from ensemble.core.states import Transitions


class Timeline(models.Model):
    """A project's edit of one production: clips, stills, cards and sound, as saved in
    numbered revisions. The first final render makes the production's record (owned by
    the leader who started it) and its `Production`; each later one adds a version."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="timelines"
    )
    title = models.CharField(max_length=200)  # the production's title, once rendered
    licence = models.CharField(max_length=30)  # the production's licence: clips are checked by it
    production = models.OneToOneField(
        "projects.Production",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="timeline",
    )
    revision_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"timeline {self.pk} of project {self.project_id}"


class Revision(models.Model):
    """One save of a timeline: the whole document, never changed afterwards. Restoring an
    old revision saves it again as the newest, so history only grows."""

    timeline = models.ForeignKey(Timeline, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    document = models.JSONField()  # as `document.parse` accepted it (see document.py)
    note = models.CharField(max_length=200, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["timeline", "number"], name="timeline_revision_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of timeline {self.timeline_id}"


class Render(models.Model):
    """One render of a revision, draft or final, and where it stands.

    State moves queued → rendering → ready | failed, each move one conditional UPDATE
    (`move`), like a version's processing: a worker killed mid-render leaves it
    `rendering` with a stale heartbeat, and the sweeper queues it again; the next attempt
    starts over from nothing (`attempts` is its ticket, so an attempt thought dead can
    never write over its successor's result).
    """

    class Quality(models.TextChoices):
        DRAFT = "draft", "Draft (360p, quick)"
        FINAL = "final", "Final"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    TRANSITIONS = Transitions(
        {
            State.QUEUED: [State.RENDERING, State.FAILED],
            State.RENDERING: [State.RENDERING, State.READY, State.FAILED],
            State.READY: [],
            State.FAILED: [],
        }
    )
    MAX_ATTEMPTS = 3

    timeline = models.ForeignKey(Timeline, on_delete=models.CASCADE, related_name="renders")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="renders")
    quality = models.CharField(max_length=5, choices=Quality.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while rendering
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    # A draft of part of the timeline (a preview): from `window_start` to `window_end`
    # seconds of the production. Null for the whole of it.
    window_start = models.FloatField(null=True, blank=True)
    window_end = models.FloatField(null=True, blank=True)
    # A draft's file, in the media area (`timelines/<timeline>/draft-<id>-<attempt>.mp4`);
    # a final render's output becomes a version of the production's record instead.
    file = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)
    version = models.ForeignKey(
        "records.Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(failure_reason=""),
                name="render_failure_has_reason",
            ),
            models.CheckConstraint(
                condition=(Q(window_start__isnull=True) & Q(window_end__isnull=True))
                | (Q(quality="draft") & Q(window_end__gt=F("window_start"))),
                name="render_window_is_a_draft_range",
            ),
        ]
        indexes = [
            # The sweeper: renders stuck waiting or rendering.
            models.Index(
                fields=["state", "heartbeat_at"],
                name="render_unfinished",
                condition=Q(state__in=["queued", "rendering"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quality} render {self.pk} of timeline {self.timeline_id}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)

    @property
    def window(self) -> str:
        """The part a preview shows, for people ("0.5–2 s"); "" for a whole render."""
        if self.window_start is None or self.window_end is None:
            return ""
        return f"{self.window_start:g}–{self.window_end:g} s"

    @classmethod
    def move(cls, render_id: int, to: str, *, only: Q | None = None, **fields: Any) -> bool:
        """Move to `to` with `fields` in one conditional UPDATE: whether it moved."""
        moved = cls.objects.filter(
            only or Q(), pk=render_id, state__in=cls.TRANSITIONS.into(to)
        ).update(state=to, **fields)
        return bool(moved)

    @classmethod
    def claim(cls, render_id: int, *, stale_after: timedelta) -> int | None:
        """Take a render: this worker's attempt number, or None when it is finished or
        another live worker has it (see `records.Version.claim`, the same idea)."""
        now = timezone.now()
        free = Q(state=cls.State.QUEUED) | Q(heartbeat_at__lt=now - stale_after)
        with transaction.atomic():
            if not cls.move(
                render_id,
                cls.State.RENDERING,
                only=free,
                attempts=F("attempts") + 1,
                heartbeat_at=now,
                progress=0,
            ):
                return None
            return int(cls.objects.filter(pk=render_id).values_list("attempts", flat=True).get())

    @staticmethod
    def mine(attempt: int) -> Q:
        return Q(attempts=attempt)

    def beat(self, fraction: float) -> None:
        percent = max(0, min(99, int(fraction * 100)))
        type(self).objects.filter(pk=self.pk, state=self.State.RENDERING).update(
            heartbeat_at=timezone.now(), progress=percent
        )


class Citation(models.Model):
    """A source the timeline's final render cited in the production: the timeline owns
    it, so the next final render may change or remove it. Sources cited by hand (or by
    moderators) are never this timeline's to remove."""

    timeline = models.ForeignKey(Timeline, on_delete=models.CASCADE, related_name="citations")
    edge = models.OneToOneField(
        "lineage.Source", on_delete=models.CASCADE, related_name="timeline_citation"
    )

    def __str__(self) -> str:
        return f"{self.edge_id} placed by timeline {self.timeline_id}"
