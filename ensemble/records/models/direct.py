"""An upload a client sends straight to the bucket, in parts (records.direct)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ensemble.records.models.resumable import new_upload_id


class DirectUpload(models.Model):
    """The parts live in the store, in a multipart upload (`store_upload`) to the name
    `folder`/`name` of the records area; this row says whose it is, how long and in how
    many parts, and what record it becomes once complete and checked."""

    class State(models.TextChoices):
        RECEIVING = "receiving"
        CHECKING = "checking"  # being completed and checked, by one request at a time
        COMPLETE = "complete"  # became `record`
        REFUSED = "refused"  # `failure` says why; nothing of it is kept

    id = models.CharField(primary_key=True, max_length=32, default=new_upload_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    length = models.BigIntegerField()
    part_size = models.BigIntegerField()
    # What the record will be: title, description, tags, licence, kind, file name.
    metadata = models.JSONField(default=dict)
    folder = models.CharField(max_length=64)
    name = models.CharField(max_length=32, default="original")
    store_upload = models.CharField(max_length=1024)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVING)
    failure = models.CharField(max_length=500, blank=True)
    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="records_direct_expiry")]

    def __str__(self) -> str:
        return f"direct upload {self.id}: {self.length} bytes ({self.state})"

    @property
    def parts(self) -> int:
        return -(-self.length // self.part_size)

    def part_length(self, number: int) -> int:
        """Part `number`'s size: every part is `part_size` bytes but the last."""
        return min(self.part_size, self.length - (number - 1) * self.part_size)
