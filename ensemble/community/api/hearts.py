"""Hearts on records."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status

from ensemble.accounts.http import member
from ensemble.community.api.base import record_for, router
from ensemble.community.services import hearts
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.ids import Id


class HeartOut(Schema):
    record_id: int
    hearted: bool
    heart_count: int


@router.post("/records/{record_id}/hearts", response={200: HeartOut, 201: HeartOut, **ERRORS})
def heart(request: HttpRequest, record_id: Id) -> Status:
    """Heart a public record (201; 200 if you had already). Not your own work (409)."""
    ratelimit.limit_write(request, "heart")
    record = record_for(request, record_id)
    made = hearts.heart(member(request), record)
    record.refresh_from_db(fields=["heart_count"])
    return Status(
        201 if made else 200,
        {"record_id": record.pk, "hearted": True, "heart_count": record.heart_count},
    )


@router.delete("/records/{record_id}/hearts", response={200: HeartOut, **ERRORS})
def unheart(request: HttpRequest, record_id: Id) -> dict[str, Any]:
    ratelimit.limit_write(request, "heart")
    record = record_for(request, record_id)
    hearts.unheart(member(request), record)
    record.refresh_from_db(fields=["heart_count"])
    return {"record_id": record.pk, "hearted": False, "heart_count": record.heart_count}
