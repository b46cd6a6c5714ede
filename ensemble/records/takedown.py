"""A record taken down or hidden by moderators (the moderation app decides; this changes
the row).

Like a deletion it becomes a tombstone, still a node in lineage: what was built on it
keeps it as a source, credit rolls keep its creators, nothing new may cite it, and no
page, list, search or media link shows its content. Unlike a deletion, its files are
kept (not served): an appeal that succeeds gives the record back as it was (`restore`).

Hidden (`hide`) is milder and undone as easily (`show`): the record keeps its title and
content, but only its owner and the moderators see it, with the reason; to everyone
else it is like a draft (out of lists, search, feeds and lineage lists), except that its
creators keep their credit (the roll names them, "a hidden record") and their share of
payments."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ensemble.core import generations
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.records import indexing
from ensemble.records.models import Record

REMOVED_TITLE = "A removed work"  # what lineage lists and credits call it from now on
HIDDEN_TITLE = "A hidden work"  # what pages others see call a hidden record, where named


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


def hide(record: Record, reason: str) -> dict[str, Any]:
    """Hide a public record; what it was, for the audit log. The caller holds the
    transaction and checks who may; a record no longer public and alive by now (removed
    or deleted meanwhile) is refused, changing nothing."""
    before = {"visibility": record.visibility, "title": record.title}  # the log's, private
    hidden = Record.objects.filter(
        pk=record.pk, visibility=Record.Visibility.PUBLIC, deleted_at__isnull=True
    ).update(visibility=Record.Visibility.HIDDEN, hidden_reason=reason, updated_at=timezone.now())
    if not hidden:
        raise Refused("It is no longer public: look at it again.", status=409, code="not_public")
    record.refresh_from_db()
    generations.bump("credits")  # its title leaves others' credit rolls
    indexing.reindex(record)
    return before


def show(record: Record) -> None:
    """Make a hidden record public again (an appeal granted)."""
    Record.objects.filter(pk=record.pk, visibility=Record.Visibility.HIDDEN).update(
        visibility=Record.Visibility.PUBLIC, hidden_reason="", updated_at=timezone.now()
    )
    record.refresh_from_db()
    generations.bump("credits")
    indexing.reindex(record)
