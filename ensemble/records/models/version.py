"""Versions (one immutable upload each) and the renditions processing derives from them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from ensemble.core.states import Transitions


class Version(models.Model):
    """One upload of a record's content, and where its processing stands.

    State moves uploaded → processing → ready | failed (`TRANSITIONS`), and only through
    `move`, a conditional UPDATE: two workers cannot both take a version, and a worker
    killed mid-job leaves it in `processing` with a stale heartbeat, which the sweeper
    hands to another worker (processing → processing, up to `MAX_ATTEMPTS` times).
    """

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Waiting to be processed"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    # Nobody asks for these moves: the worker makes them, so a move the table leaves
    # out is not refused to anyone, it just does not happen (`move` returns False).
    TRANSITIONS = Transitions(
        {
            State.UPLOADED: [State.PROCESSING],  # a worker claims it
            # A worker finishes, fails, or (its heartbeat stopped) another one takes over.
            State.PROCESSING: [State.PROCESSING, State.READY, State.FAILED],
            State.READY: [],
            State.FAILED: [],
        }
    )

    MAX_ATTEMPTS = 3

    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # The upload, as stored. Files live in <folder>/ of the records area (RECORDS_ROOT or
    # a bucket prefix, core.filestore); names are generated,
    # never taken from the uploader (`original_name` is only shown and offered back).
    folder = models.CharField(max_length=40, unique=True)
    original_file = models.CharField(max_length=100)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # What the content is, from its bytes (`media.sniff`): served as `mime`.
    fmt = models.CharField(max_length=30)
    mime = models.CharField(max_length=100)
    label = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)

    state = models.CharField(max_length=12, choices=State.choices, default=State.UPLOADED)
    failure_reason = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while processing
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    # Derived facts: duration, width, height, codecs, word_count, excerpt, …
    metadata = models.JSONField(default=dict, blank=True)
    body_html = models.TextField(blank=True)  # text records, rendered and sanitized
    purged_at = models.DateTimeField(null=True, blank=True)  # files removed (tombstone)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="version_number_unique"),
            models.CheckConstraint(condition=Q(size__gte=0), name="version_size_positive"),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(failure_reason=""),
                name="version_failure_has_reason",
            ),
        ]
        indexes = [
            # The sweeper: versions stuck waiting or processing.
            models.Index(
                fields=["state", "heartbeat_at"],
                name="version_unfinished",
                condition=Q(state__in=["uploaded", "processing"]),
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} of record {self.record_id}"

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)

    @property
    def duration(self) -> float | None:
        value = self.metadata.get("duration")
        return float(value) if value is not None else None

    def rendition(self, role: str) -> Rendition | None:
        """The rendition with this role, from the prefetched set when there is one."""
        for rendition in self.renditions.all():
            if rendition.role == role:
                return rendition
        return None

    @classmethod
    def move(cls, version_id: int, to: str, *, only: Q | None = None, **fields: Any) -> bool:
        """Move the version to `to`, with `fields`, in one conditional UPDATE from a state
        `TRANSITIONS` allows (and only where `only` holds too): whether it moved. One
        statement, so a move made by another worker meanwhile is never overwritten."""
        moved = cls.objects.filter(
            only or Q(), pk=version_id, state__in=cls.TRANSITIONS.into(to)
        ).update(state=to, **fields)
        return bool(moved)

    @classmethod
    def claim(cls, version_id: int, *, stale_after: timedelta) -> int | None:
        """Take a version for processing: the attempt number that is now this worker's,
        or None when it is done or another worker has it.

        A version is free when it was never started, or when its worker stopped sending
        heartbeats (killed, out of memory, machine gone). The attempt number is the
        worker's ticket: it may write the result only while the version still carries
        it (`mine`), so a worker thought dead cannot overwrite its successor's work.
        """
        now = timezone.now()
        free = Q(state=cls.State.UPLOADED) | Q(heartbeat_at__lt=now - stale_after)
        with transaction.atomic():
            claimed = cls.move(
                version_id,
                cls.State.PROCESSING,
                only=free,
                attempts=F("attempts") + 1,
                heartbeat_at=now,
                progress=0,
            )
            if not claimed:
                return None
            return int(cls.objects.filter(pk=version_id).values_list("attempts", flat=True).get())

    @staticmethod
    def mine(attempt: int) -> Q:
        """Still this attempt's: a condition for `move`, so a worker thought dead cannot
        write over the attempt that took its place."""
        return Q(attempts=attempt)

    def beat(self, fraction: float) -> None:
        """Record progress and that this worker is alive, without touching other fields."""
        percent = max(0, min(99, int(fraction * 100)))
        type(self).objects.filter(pk=self.pk, state=self.State.PROCESSING).update(
            heartbeat_at=timezone.now(), progress=percent
        )


class Rendition(models.Model):
    """A file derived from a version: thumbnail, poster, preview, waveform, clean download."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="renditions")
    role = models.CharField(max_length=20)
    file = models.CharField(max_length=100)  # name inside the version's folder
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "role"], name="rendition_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role} of {self.version_id}"
