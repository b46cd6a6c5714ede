"""The registry of notification kinds.

Each app declares the kinds it sends in its own `notifications.py`, imported from its
AppConfig.ready(), so this app never imports the apps that send notifications (accounts
aside: like every app, it serves members, `accounts.http.member`). A kind knows how to
describe one notification in a sentence and where it links to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from ensemble.notifications.models import Notification


class Delivery(models.TextChoices):
    IN_APP = "in_app", "On the site"
    EMAIL = "email", "On the site and by email"
    DIGEST = "digest", "On the site and in a daily email"
    OFF = "off", "Off"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # shown on the preferences page
    default: Delivery
    describe: Callable[[Notification], str]
    link: Callable[[Notification], str]


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.key in _kinds and _kinds[kind.key] != kind:
        raise ValueError(f"Notification kind {kind.key!r} is registered twice.")
    _kinds[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}; register it first.") from None


def retired(key: str) -> Kind:
    """Stands in for a kind no app registers any more, so old rows still display."""
    return Kind(
        key=key,
        label=key,
        default=Delivery.OFF,
        describe=lambda n: "An older notification this site no longer describes.",
        link=lambda n: "/notifications/",
    )


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.label)
