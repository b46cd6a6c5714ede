"""The story's clock: the demo is built in a minute but tells of five months.

Each chapter runs through the real services, which stamp rows with the real time; then
`Clock.chapter` moves every timestamp written during the chapter (between its start and
its end) back to the chapter's date, keeping their order. Times the services set in the
future (a call's deadline, a comment window) are outside that span and stay put: the
chapters set them to their story dates themselves, once they no longer need them open.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.apps import apps
from django.db import models
from django.db.models import F
from django.utils import timezone

# Times that are not "when this happened": a token's expiry, when an address was checked.
NOT_MOVED = {"expires_at", "email_verified_at", "last_used_at", "revoked_at", "computed_at"}


def _stamped_fields() -> list[tuple[type[models.Model], str]]:
    """Every date-time column of Ensemble's own models, but those in NOT_MOVED and the
    append-only ones (the moderation log: the story writes none, and it is never
    rewritten)."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("ensemble.") or model._meta.proxy:
            continue
        if getattr(model, "append_only", False):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and field.name not in NOT_MOVED:
                found.append((model, field.name))
    return found


class Clock:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.fields = _stamped_fields()

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    @contextmanager
    def chapter(self, days_ago: float) -> Iterator[datetime]:
        """Run a chapter; what it wrote is dated `days_ago` days before the story's end
        (the moment the demo started), in the order it was written."""
        began = timezone.now()
        when = self.days_ago(days_ago)
        yield when
        ended = timezone.now()
        shift = ended - when
        for model, name in self.fields:
            model._default_manager.filter(**{f"{name}__range": (began, ended)}).update(
                **{name: F(name) - shift}
            )
