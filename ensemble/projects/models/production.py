"""Productions (a project's finished work) and their releases with frozen credits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Production(models.Model):
    """A record a project presents as its finished work (a project may have several cuts).

    Its sources start as the project's selected entries; it can be remixed like any record.
    """

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="productions"
    )
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, related_name="productions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "record"], name="production_once")
        ]

    def __str__(self) -> str:
        return f"production {self.pk} of {self.project_id}"


class Release(models.Model):
    """One release of a production: the credit roll and the thanks frozen at that moment.

    Credits stay computable from the lineage at any time; the snapshot is what was
    announced with this release, so later remixes or edits never rewrite it.
    """

    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    released_at = models.DateTimeField(default=timezone.now)
    credits = models.JSONField()  # sections → roles → people → records, as computed then
    thanks = models.JSONField(default=list)  # entrants whose work is not in it
    contribution_count = models.PositiveIntegerField()
    people_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["production", "number"], name="release_number_once")
        ]

    def __str__(self) -> str:
        return f"release {self.number} of production {self.production_id}"


class ReleaseCredit(models.Model):
    """One person in a release, credited (their work is in it) or thanked (they entered,
    and their work is not): what profiles list as "credits received", in one query."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="release_credits"
    )
    thanked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "user"], name="release_credit_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in release {self.release_id}"
