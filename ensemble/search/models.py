"""What search finds: one document per searchable thing, kept by the services that
change the thing (`index.put`, `index.drop`), never by signals."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Document(models.Model):
    """A record, project, call or person as search sees it: plain text only, and whether
    everyone may find it. The full-text index over it is the database's own: an FTS5
    table on SQLite, a weighted tsvector column with a GIN index on PostgreSQL (created
    by migration 0002 for whichever database runs it)."""

    class Kind(models.TextChoices):
        RECORD = "record", "Records"
        PROJECT = "project", "Projects"
        CALL = "call", "Calls"
        PERSON = "person", "People"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)  # description, text, brief, bio: plain text
    tags = models.CharField(max_length=600, blank=True)  # tags or skills, space-separated
    subkind = models.CharField(max_length=10, blank=True)  # a record's kind, for filters
    # The title without its take number (`grouping.group_title`): results sharing it (and
    # an owner or a call) show as one. A database default too, so rows written by a bulk
    # loader that does not name the column are simply never grouped.
    group_title = models.CharField(max_length=300, blank=True, default="", db_default="")
    public = models.BooleanField(default=True)  # false: found by nobody
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
