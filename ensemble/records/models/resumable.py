"""An upload that arrives in pieces, across dropped connections (tus 1.0, records.resumable)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def new_upload_id() -> str:
    return secrets.token_hex(16)


class ResumableUpload(models.Model):
    """The bytes so far live in a file of the web machine (`records.resumable.part_path`);
    this row says whose they are, how many are expected and have arrived, and what
    record they become once complete."""

    class State(models.TextChoices):
        RECEIVING = "receiving"
        COMPLETE = "complete"  # became `record`
        REFUSED = "refused"  # the bytes or the record were refused: `failure` says why

    id = models.CharField(primary_key=True, max_length=32, default=new_upload_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    # What the record will be: title, description, tags, licence, kind, file name.
    metadata = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVING)
    failure = models.CharField(max_length=500, blank=True)
    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="records_resumable_expiry")]

    def __str__(self) -> str:
        return f"upload {self.id}: {self.offset}/{self.length} ({self.state})"
