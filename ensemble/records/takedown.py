"""A record taken down by moderators (the moderation app decides; this changes the row).

Like a deletion it becomes a tombstone, still a node in lineage: what was built on it
keeps it as a source, credit rolls keep its creators, nothing new may cite it, and no
page, list, search or media link shows its content. Unlike a deletion, its files are
kept (not served): an appeal that succeeds gives the record back as it was (`restore`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ensemble.core import generations
from ensemble.core.markdown import render_markdown
from ensemble.records import indexing
from ensemble.records.models import Record

REMOVED_TITLE = "A removed work"  # what lineage lists and credits call it from now on


def take_down(record: Record) -> dict[str, Any]:
    """Make the record a tombstone named REMOVED_TITLE; what it was, for the audit log
    (and a restore). The caller holds the transaction and checks who may."""
    before = {
        "title": record.title,
        "description": record.description,
        "visibility": record.visibility,
    }
    now = timezone.now()
    Record.objects.filter(pk=record.pk).update(
        title=REMOVED_TITLE, description="", description_html="", deleted_at=now, updated_at=now
    )
    record.refresh_from_db()
    generations.bump("credits")  # credit rolls name it afresh
    indexing.reindex(record)  # out of search, in the same transaction
    return before


def restore(record: Record, before: dict[str, Any]) -> None:
    """Give a taken-down record back as `take_down` found it (an appeal granted)."""
    description = str(before.get("description", ""))
    Record.objects.filter(pk=record.pk).update(
        title=str(before.get("title") or record.title),
        description=description,
        description_html=render_markdown(description),
        deleted_at=None,
        updated_at=timezone.now(),
    )
    record.refresh_from_db()
    generations.bump("credits")
    indexing.reindex(record)
