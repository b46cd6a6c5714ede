"""`ensemble reindex`: rebuild the search index from everything searchable.

The services keep the index in step as content changes; this is for a database that
existed before search (or after restoring a backup), and it is safe to run any time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ensemble.accounts import indexing as people
from ensemble.accounts.models import User
from ensemble.projects import indexing as projects
from ensemble.projects.models import Project
from ensemble.records import indexing as records
from ensemble.records.models import Record


class Command(BaseCommand):
    help = "Rebuild the search index from all records, projects, calls and members."

    def handle(self, *args: Any, **options: Any) -> None:
        batches: tuple[tuple[str, Any, Callable[[Any], None]], ...] = (
            ("records", Record.objects.public().select_related("current_version"), records.reindex),
            ("projects and their calls", Project.objects.all(), projects.reindex_project),
            (
                "members",
                User.objects.filter(is_active=True).prefetch_related("skill_rows"),
                people.reindex,
            ),
        )
        for label, queryset, reindex in batches:
            total = queryset.count()
            for done, obj in enumerate(queryset.iterator(chunk_size=500), start=1):
                with transaction.atomic():
                    reindex(obj)
                if done % 1000 == 0 or done == total:
                    self.stdout.write(f"{label}: {done:,} of {total:,}")
            if not total:
                self.stdout.write(f"{label}: none")
