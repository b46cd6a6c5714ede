"""Factories for lineage tests: records without files, fast enough for property tests."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.records.models import Record

_numbers = itertools.count(1)


def bare_record(owner: User, *, public: bool = True, **fields: Any) -> Record:
    """A record row with no version: lineage needs only the node, not the media."""
    fields.setdefault("title", f"Work {next(_numbers)}")
    fields.setdefault("kind", Record.Kind.TEXT)
    if public:
        fields.update(visibility=Record.Visibility.PUBLIC, published_at=timezone.now())
    return Record.objects.create(owner=owner, **fields)
