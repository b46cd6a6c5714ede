"""Credits as JSON-LD: schema.org CreativeWork with isBasedOn, creator and license."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ensemble.lineage.credits import CreditRoll
from ensemble.lineage.models import Source
from ensemble.records.models import Licence, Record
from ensemble.records.models.record import LICENCE_URLS

SCHEMA_TYPES = {
    "text": "CreativeWork",
    "image": "VisualArtwork",
    "audio": "AudioObject",
    "video": "VideoObject",
    "other": "CreativeWork",
}


# What `work` answers, for the API's description (`GET /records/{id}/credits?format=jsonld`).
SCHEMA = {
    "type": "object",
    "required": ["@context", "@type", "@id", "name", "creator", "license", "isBasedOn"],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@type": {"type": "string"},
        "@id": {"type": "string", "format": "uri"},
        "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "creator": {"type": "array", "items": {"type": "object"}},
        "license": {"type": "string"},
        "dateCreated": {"type": "string", "format": "date-time"},
        "isBasedOn": {"type": "array", "items": {"type": "object"}},
        "contributor": {"type": "array", "items": {"type": "object"}},
    },
}


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _person(user: Any) -> dict[str, Any]:
    if not user.is_active:
        return {"@type": "Person", "name": "a former member"}
    return {"@type": "Person", "name": user.name, "url": _url(user.get_absolute_url())}


def _licence_url(licence: str) -> str:
    return LICENCE_URLS.get(Licence(licence)) or _url(f"/api/v1/licenses#{licence}")


def work(record: Record, sources: list[Source], roll: CreditRoll) -> dict[str, Any]:
    """The record as a CreativeWork (its owner and accepted co-creators as `creator`), its
    direct sources as `isBasedOn` (each with its owner and the licence it was cited
    under), and everyone credited further up as a `contributor`."""
    creators = [_person(record.owner)] + [
        _person(c.user) for c in record.cocreators.all() if c.state == "accepted"
    ]
    contributors = [
        {"@type": "Person", "name": p.name, "roleName": role}
        | ({"url": _url(f"/@{p.username}/")} if p.username else {})
        for section in roll.sections
        if section.key != "work"
        for role, _, people in section.groups
        for p in people
    ]
    return {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[record.kind],
        "@id": _url(record.get_absolute_url()),
        "name": record.title,
        "url": _url(record.get_absolute_url()),
        "creator": creators,
        "license": _licence_url(record.licence),
        "dateCreated": record.created_at.isoformat(),
        "isBasedOn": [
            {
                "@type": SCHEMA_TYPES[e.source.kind],
                "@id": _url(e.source.get_absolute_url()),
                "name": e.source.title,
                "creator": _person(e.source.owner),
                "license": _licence_url(e.source_licence),  # as cited
                "description": e.note,
            }
            for e in sources
        ],
        "contributor": contributors,
    }
