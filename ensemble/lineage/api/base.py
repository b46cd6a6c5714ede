"""What the lineage API's endpoints share: the router, how a record is referred to, and
finding a record the caller may see."""

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ensemble.accounts import http
from ensemble.records import access
from ensemble.records.models import Record

router = Router(tags=["lineage"])


class RecordRef(Schema):
    id: int
    title: str
    kind: str
    owner: str
    url: str
    removed: bool


def ref(record: Record) -> dict[str, Any]:
    return {
        "id": record.pk,
        "title": record.title,
        "kind": record.kind,
        "owner": record.owner.username if record.owner.is_active else "",
        "url": record.get_absolute_url(),
        "removed": record.is_deleted,
    }


def visible_record(request: HttpRequest, record_id: int) -> Record:
    record = get_object_or_404(Record.objects.select_related("owner"), pk=record_id)
    if not access.can_view_or_tombstone(http.api_viewer(request), record):
        raise Http404
    return record
