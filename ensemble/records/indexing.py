"""A record's search document (`search.index`): public records are found by their title,
description, text and tags; drafts and removed records are not found at all."""

from __future__ import annotations

import html

from django.utils.html import strip_tags

from ensemble.core.markdown import markdown_words
from ensemble.records.models import Record
from ensemble.search import index


def reindex(record: Record) -> None:
    """Call after any change to what search shows (publish, edit, new version, delete)."""
    if not record.is_public:
        index.drop("record", record.pk)
        return
    version = record.current_version
    text = html.unescape(strip_tags(version.body_html)) if version and version.body_html else ""
    body = f"{markdown_words(record.description)}\n{text}"
    tags = " ".join(record.tags.values_list("name", flat=True))
    index.put("record", record.pk, title=record.title, body=body, tags=tags, subkind=record.kind)
