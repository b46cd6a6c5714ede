"""Credit rolls as JSON and JSON-LD, and the licences a record may carry."""

import json
from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from ninja import Schema

from ensemble.accounts import http
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.core.ids import Id
from ensemble.lineage import credit_pages, credits, jsonld, licences, present
from ensemble.lineage.api.base import RecordRef, ref, router, visible_record
from ensemble.lineage.models import Source
from ensemble.records.models import Licence, Record
from ensemble.records.models.record import LICENCE_SUMMARIES, LICENCE_URLS


class CreditedRecordOut(Schema):
    id: int
    title: str  # "" when hidden by moderators
    removed: bool
    hidden: bool  # hidden by moderators: its creators keep the credit, its title withheld


class CreditedPersonOut(Schema):
    username: str
    name: str
    records: list[CreditedRecordOut]


class RoleOut(Schema):
    role: str
    heading: str
    people: list[CreditedPersonOut]


class SectionOut(Schema):
    key: str
    title: str
    roles: list[RoleOut]


class CreditsOut(Schema):
    record: RecordRef
    record_count: int
    people_count: int
    sections: list[SectionOut]


@router.get(
    "/records/{record_id}/credits",
    response={200: CreditsOut, **ERRORS},
    auth=None,
    # ninja knows only the JSON media type: the operation names JSON-LD's itself.
    openapi_extra={
        "responses": {200: {"content": {"application/ld+json": {"schema": jsonld.SCHEMA}}}}
    },
)
def get_credits(
    request: HttpRequest,
    record_id: Id,
    format: Literal["json", "jsonld"] = "json",
) -> Any:
    """Everyone in the record's lineage, by role: this work, direct sources, further up.
    `?format=jsonld` answers schema.org JSON-LD (`application/ld+json`)."""
    record = visible_record(request, record_id)
    viewer = http.api_viewer(request)
    if format == "jsonld":
        if _cites_their_removed_draft(record, viewer):  # shown to them alone
            body = _jsonld(record, viewer, credits.cached_credit_roll(record.pk, viewer))
        else:
            body = credits.cached_for_viewer(
                record.pk, viewer, "jsonld", lambda roll, who: _jsonld(record, who, roll)
            )
        return HttpResponse(body, content_type="application/ld+json")
    # A big production credits thousands of people for 12,000 records: checking each
    # through the schema took 200 ms, so the body is written here (the schema still
    # describes it; tests compare the two) and everyone's kept with the roll.
    body = credits.cached_for_viewer(
        record.pk, viewer, "json", lambda roll, _: _dumps(_credits_out(record, roll))
    )
    return HttpResponse(body, content_type="application/json")


def _credits_out(record: Record, roll: credits.CreditRoll) -> dict[str, Any]:
    return {
        "record": ref(record),
        "record_count": roll.record_count,
        "people_count": roll.people_count,
        "sections": credit_pages.sections_data(roll),
    }


def _cites_their_removed_draft(record: Record, viewer: Any) -> bool:
    """Whether a source of the record is a draft the viewer removed: its tombstone is
    theirs to see, so their JSON-LD differs from everyone's. (Drafts they may see that
    are not removed are in the roll's `hidden_drafts`, which `cached_for_viewer` checks.)"""
    if viewer is None:
        return False
    return Source.objects.filter(
        derived=record,
        source__owner=viewer,
        source__deleted_at__isnull=False,
        source__published_at__isnull=True,
    ).exists()


def _jsonld(record: Record, viewer: Any, roll: credits.CreditRoll) -> bytes:
    prefetch_related_objects([record], "cocreators__user")
    return _dumps(jsonld.work(record, list(present.sources(record, viewer)), roll))


def _dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder).encode()


class LicenceOut(Schema):
    id: str
    name: str
    summary: str
    url: str | None
    derivatives: bool
    share_alike: bool
    non_commercial: bool
    attribution: bool


@router.get("/licenses", response={200: list[LicenceOut], **ERRORS}, auth=None)
def list_licences(request: HttpRequest) -> list[dict[str, Any]]:
    """Every licence a record can carry, and what it allows remixes to do."""
    return [
        {
            "id": lic.value,
            "name": lic.label,
            "summary": LICENCE_SUMMARIES[lic],
            "url": LICENCE_URLS.get(lic),
            **vars(licences.TERMS[lic]),
        }
        for lic in Licence
    ]
