"""Lists of records anyone curates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from ensemble.accounts.http import member
from ensemble.community.api.base import person_named, record_for, router
from ensemble.community.models import RecordList
from ensemble.community.services import lists
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn
from ensemble.records.models import Record


class ListIn(JsonIn):
    title: str
    description: str = ""


class ItemIn(JsonIn):
    record_id: Id
    note: str = ""


class OrderIn(JsonIn):
    record_ids: list[Id]


def list_out(record_list: RecordList) -> dict[str, Any]:
    return {
        "id": record_list.pk,
        "owner": record_list.owner.username,
        "title": record_list.title,
        "description_html": record_list.description_html,
        "items": [
            {"record_id": i.record_id, "title": i.record.title, "note": i.note}
            for i in lists.visible_items(record_list)
        ],
    }


def _list(list_id: int) -> RecordList:
    return get_object_or_404(RecordList.objects.select_related("owner"), pk=list_id)


@router.post("/lists", response={201: dict[str, Any], **ERRORS})
def create_list(request: HttpRequest, body: ListIn) -> Status:
    ratelimit.limit_write(request, "list")
    made = lists.create(member(request), title=body.title, description=body.description)
    return Status(201, list_out(made))


@router.get("/lists/{list_id}", response={200: dict[str, Any], **ERRORS}, auth=None)
def get_list(request: HttpRequest, list_id: Id) -> dict[str, Any]:
    """A list with the records in it that are public now."""
    return list_out(_list(list_id))


@router.post("/lists/{list_id}/items", response={201: dict[str, Any], **ERRORS})
def add_item(request: HttpRequest, list_id: Id, body: ItemIn) -> Status:
    ratelimit.limit_write(request, "list")
    record_list = _list(list_id)
    lists.add(
        record_list, by=member(request), record=record_for(request, body.record_id), note=body.note
    )
    return Status(201, list_out(record_list))


@router.delete("/lists/{list_id}/items/{record_id}", response={204: None, **ERRORS})
def remove_item(request: HttpRequest, list_id: Id, record_id: Id) -> Status:
    ratelimit.limit_write(request, "list")
    record = get_object_or_404(Record, pk=record_id)
    lists.remove(_list(list_id), by=member(request), record=record)
    return Status(204, None)


@router.put("/lists/{list_id}/order", response={200: dict[str, Any], **ERRORS})
def reorder(request: HttpRequest, list_id: Id, body: OrderIn) -> dict[str, Any]:
    ratelimit.limit_write(request, "list")
    record_list = _list(list_id)
    lists.reorder(record_list, by=member(request), record_ids=body.record_ids)
    return list_out(record_list)


@router.get("/users/{username}/lists", response={200: list[dict[str, Any]], **ERRORS}, auth=None)
def user_lists(request: HttpRequest, username: str) -> list[dict[str, Any]]:
    person = person_named(username)
    return [{"id": rl.pk, "title": rl.title} for rl in person.record_lists.all()[:200]]
