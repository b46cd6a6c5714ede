"""Sources: the edges of the remix graph (derived record → source record)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Source(models.Model):
    """ "This record used, or was inspired by, that record."

    Records and sources form a directed acyclic graph: `lineage.services.add_source`
    refuses self-edges and cycles. The edge keeps the licence the source had when it was
    cited, so a later change of the source's licence never silently breaks a remix.
    """

    class Kind(models.TextChoices):
        USES = "uses", "Uses"
        INSPIRED_BY = "inspired_by", "Inspired by"

    derived = models.ForeignKey(
        "records.Record", on_delete=models.CASCADE, related_name="source_edges"
    )
    source = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, related_name="derived_edges"
    )
    # The source record's owner, copied onto the edge so that "the newest remixes of
    # this member's work" (the home feed) walks one index, `lineage_source_owner_new`,
    # instead of gathering and sorting every edge into their records (30,436 for a
    # member with 9,937 records on the bench graph: 0.1–0.2 s on SQLite, 0.4–0.8 s on
    # PostgreSQL, each page). It stays correct because a record's owner is never
    # reassigned: no service, form, API, command or migration changes `Record.owner`
    # after the record is made (a member who leaves is made inactive; their records
    # stay theirs). Whatever one day changes an owner must change this column with it.
    # PROTECT, as `Record.owner`: a member with records cannot be deleted either way.
    # No index of its own: the feed's leads with it.
    source_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.USES)
    note = models.CharField(max_length=500)
    part = models.CharField(max_length=200, blank=True)  # a stem, a layer, a character
    start_seconds = models.FloatField(null=True, blank=True)  # a time range in the source
    end_seconds = models.FloatField(null=True, blank=True)
    source_version = models.ForeignKey(
        "records.Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_licence = models.CharField(max_length=30)  # the terms it was cited under
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(derived=F("source")), name="lineage_source_not_self"
            ),
            # Also the index that walks up the graph: (derived_id, source_id) covers it.
            models.UniqueConstraint(fields=["derived", "source"], name="lineage_source_once"),
            models.CheckConstraint(
                condition=Q(start_seconds__isnull=True)
                | Q(end_seconds__isnull=True)
                | Q(end_seconds__gt=F("start_seconds")),
                name="lineage_source_range_ordered",
            ),
        ]
        indexes = [
            # Walking down the graph (descendants, "used in"): covering, no table lookups.
            models.Index(fields=["source", "derived"], name="lineage_source_down"),
            # The home feed's "remixes of your work": one member's edges by time then id,
            # the feed's exact order, walked backwards from the newest (or the cursor).
            models.Index(
                fields=["source_owner", "created_at", "id"], name="lineage_source_owner_new"
            ),
            # "Is this record a remix of that member's work?": one probe, from the index
            # alone. The feed asks it of each followed person's newest records, to show a
            # remix of yours once, as a remix (4,300 probes: 17 ms through the table, 10
            # from here, on PostgreSQL at the bench's scale).
            models.Index(fields=["derived", "source_owner"], name="lineage_source_derived_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.derived_id} {self.kind} {self.source_id}"
