"""Lists ("re-RECs"): public, ordered lists of public records, a note per item."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.community.models import ListItem, RecordList
from ensemble.core.markdown import render_markdown
from ensemble.core.refusals import Refused
from ensemble.core.text import checked_text
from ensemble.records.models import Record

MAX_ITEMS = 500


def _owned(record_list: RecordList, by: User) -> None:
    if record_list.owner_id != by.pk:
        raise Refused("Only its curator changes a list.", status=403, code="forbidden")


def create(owner: User, *, title: str, description: str = "") -> RecordList:
    title = checked_text((title or "").strip(), field="title", label="title")
    if not title or len(title) > 200:
        raise Refused("Give the list a title of 1 to 200 characters.", field="title")
    description = checked_text(
        (description or "").strip(), field="description", label="description", multiline=True
    )
    if len(description) > 5_000:
        raise Refused("A description can be at most 5,000 characters.", field="description")
    return RecordList.objects.create(
        owner=owner,
        title=title,
        description=description,
        description_html=render_markdown(description),
    )


def add(record_list: RecordList, *, by: User, record: Record, note: str = "") -> ListItem:
    """Append a public record (a list is public: drafts cannot go in)."""
    _owned(record_list, by)
    if record.is_deleted or not record.is_public:
        raise Refused("Only public records go in lists.", code="not_public", field="record")
    note = checked_text((note or "").strip(), field="note", label="note")
    if len(note) > 500:
        raise Refused("A note can be at most 500 characters.", field="note")
    with transaction.atomic():
        RecordList.objects.select_for_update().filter(pk=record_list.pk).first()
        items = record_list.items
        if items.filter(record=record).exists():
            raise Refused("That record is in the list already.", status=409, code="duplicate")
        if items.count() >= MAX_ITEMS:
            raise Refused(f"A list holds at most {MAX_ITEMS} records.", status=409, code="full")
        position = (items.aggregate(p=Max("position"))["p"] or 0) + 1
        item = ListItem.objects.create(
            record_list=record_list, record=record, position=position, note=note
        )
        RecordList.objects.filter(pk=record_list.pk).update(updated_at=timezone.now())
    return item


def remove(record_list: RecordList, *, by: User, record: Record) -> None:
    _owned(record_list, by)
    record_list.items.filter(record=record).delete()


def reorder(record_list: RecordList, *, by: User, record_ids: list[int]) -> None:
    """Put the items in this order; every item must be named once."""
    _owned(record_list, by)
    with transaction.atomic():
        items = {i.record_id: i for i in record_list.items.select_for_update()}
        if sorted(record_ids) != sorted(items):
            raise Refused(
                "Name every record of the list once, in the new order.", field="record_ids"
            )
        for position, record_id in enumerate(record_ids, start=1):
            items[record_id].position = position
        ListItem.objects.bulk_update(items.values(), ["position"])


def visible_items(record_list: RecordList) -> list[ListItem]:
    """The items whose records are public now (one made private later drops out)."""
    return list(
        record_list.items.filter(record__visibility="public", record__deleted_at__isnull=True)
        .select_related("record__owner", "record__current_version")
        .prefetch_related("record__current_version__renditions")
    )
