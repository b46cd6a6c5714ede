"""A record: one creative work, whatever its kind, and the tags that find it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from ensemble.accounts.models import User


class Licence(models.TextChoices):
    """What others may do with a record. The lineage app checks these across ancestry."""

    ACCORD = "accord", "Ensemble Accord"
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC_BY_ND = "cc-by-nd-4.0", "CC BY-ND 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd-4.0", "CC BY-NC-ND 4.0"
    CC0 = "cc0-1.0", "CC0 1.0 (public domain)"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", "All rights reserved"


LICENCE_SUMMARIES = {
    Licence.ACCORD: "The creator keeps ownership; every member may remix it on Ensemble; "
    "it may be included in productions under the published payment terms.",
    Licence.CC_BY: "Anyone may share and adapt it, with credit.",
    Licence.CC_BY_SA: "Anyone may share and adapt it, with credit, under the same licence.",
    Licence.CC_BY_NC: "Anyone may share and adapt it, with credit, but not commercially.",
    Licence.CC_BY_NC_SA: "Share and adapt with credit, not commercially, same licence.",
    Licence.CC_BY_ND: "Anyone may share it unchanged, with credit; no adaptations.",
    Licence.CC_BY_NC_ND: "Share unchanged, with credit, not commercially; no adaptations.",
    Licence.CC0: "No rights reserved: anyone may do anything with it.",
    Licence.ALL_RIGHTS_RESERVED: "Only the creators may use it.",
}
LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class Tag(models.Model):
    """A lower-case word or phrase that finds records; shared by every record using it."""

    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


_REFERENCE = re.compile(r"(?:/records/)?(\d+)/?$")


def record_number(raw: str | None) -> int | None:
    """The number in what a person typed to point at a record: "12", "#12", or its
    address pasted from the browser."""
    match = _REFERENCE.search((raw or "").strip().lstrip("#"))
    return int(match.group(1)) if match else None


class RecordQuerySet(models.QuerySet["Record"]):
    def referenced(self, raw: str | None) -> Record | None:
        """The record `raw` points at (see `record_number`), or None."""
        number = record_number(raw)
        return self.filter(pk=number).first() if number else None

    def alive(self) -> RecordQuerySet:
        return self.filter(deleted_at__isnull=True)

    def public(self) -> RecordQuerySet:
        return self.alive().filter(visibility=Record.Visibility.PUBLIC)

    def by(self, user: User) -> RecordQuerySet:
        return self.filter(owner=user)

    def narrowed(self, *, kind: str = "", tag: str = "", licence: str = "") -> RecordQuerySet:
        """Browse's filters (browse, `GET /records`, search): a value that is empty or
        not one of the choices narrows nothing; tags match lower-cased."""
        records = self
        if kind in Record.Kind.values:
            records = records.filter(kind=kind)
        if licence in Licence.values:
            records = records.filter(licence=licence)
        if tag.strip():
            records = records.filter(tags__name=tag.strip().lower())
        return records

    def for_cards(self) -> RecordQuerySet:
        """What a grid card shows, in a fixed number of queries whatever the page size."""
        return self.select_related("owner", "current_version").prefetch_related(
            "current_version__renditions", "cocreators"
        )


class Record(models.Model):
    """One creative work. Its content lives in versions; deleting leaves a tombstone.

    A tombstone keeps its id, owner and title so that lineage and credits that point at
    it stay whole, but it has no description, tags or media any more.
    """

    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"
        OTHER = "other", "Other file"

    class Visibility(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLIC = "public", "Public"
        # Moderators hid it (records.takedown.hide): like a draft for everyone but its
        # owner and the moderators, who see it with the reason; only they show it again.
        HIDDEN = "hidden", "Hidden by moderators"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    description_html = models.TextField(blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="records")
    licence = models.CharField(max_length=30, choices=Licence.choices, default=Licence.ACCORD)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.DRAFT
    )
    # The newest version that finished processing: what the record shows. Kept here so a
    # grid of records costs one join, not a subquery per card.
    current_version = models.ForeignKey(
        "records.Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    # Hearts, counted by `community.services.hearts` as they come and go: cards show it
    # without a query each.
    heart_count = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=2000, blank=True)  # moderators' words

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            # Browse: public, alive records newest first, optionally by kind.
            models.Index(
                fields=["visibility", "kind", "-id"],
                name="record_browse",
                condition=Q(deleted_at__isnull=True),
            ),
            # A member's portfolio, newest first.
            models.Index(fields=["owner", "-id"], name="record_owner_newest"),
            # Browse filtered by licence.
            models.Index(fields=["licence", "-id"], name="record_licence_newest"),
            # The home feed: public records of the people a member follows, newest first.
            models.Index(
                fields=["owner", "-published_at", "-id"],
                name="record_owner_published",
                condition=Q(visibility="public") & Q(deleted_at__isnull=True),
            ),
            # A member's drafts (never published: a record is never made a draft again),
            # which lineage lists show them alone (lineage.present.drafts_in_lineage):
            # through the owner's index, finding them read all 10,000 records of a
            # prolific member (11 ms).
            models.Index(
                fields=["owner"], name="record_owner_drafts", condition=Q(published_at__isnull=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="public") | Q(published_at__isnull=False),
                name="record_public_has_published_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records:detail", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC and not self.is_deleted

    @property
    def licence_label(self) -> str:
        return Licence(self.licence).label

    @property
    def licence_summary(self) -> str:
        return LICENCE_SUMMARIES[Licence(self.licence)]

    @property
    def licence_url(self) -> str | None:
        return LICENCE_URLS.get(Licence(self.licence))
