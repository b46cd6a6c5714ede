"""Lineage's part of a member's export (`accounts.exports`): what their records cite."""

from __future__ import annotations

from ensemble.accounts.exports import Part
from ensemble.accounts.models import User
from ensemble.lineage.models import Source


def collect(user: User) -> Part:
    edges = Source.objects.filter(derived__owner=user).order_by("pk")
    return Part(
        list(
            edges.values(
                "derived_id",
                "source_id",
                "kind",
                "note",
                "part",
                "start_seconds",
                "end_seconds",
                "created_at",
            )
        )
    )
