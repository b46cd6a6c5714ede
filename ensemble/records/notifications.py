"""Notification kinds the records app sends (registered from RecordsConfig.ready)."""

from django.urls import reverse

from ensemble.core.markdown import escape_markdown
from ensemble.notifications.kinds import Delivery, Kind, register
from ensemble.notifications.models import Notification


def _record_title(n: Notification) -> str:
    return f"“{escape_markdown(n.about.record.title)}”" if n.about else "a record (since removed)"


def _record_link(n: Notification) -> str:
    return n.about.record.get_absolute_url() if n.about else reverse("records:browse")


def _actor(n: Notification) -> str:
    return escape_markdown(f"@{n.actor.username}") if n.actor else "Someone"


register(
    Kind(
        key="cocreator_invited",
        label="Someone invites you to be credited as a co-creator",
        default=Delivery.EMAIL,
        describe=lambda n: f"{_actor(n)} invites you to co-create {_record_title(n)}.",
        link=_record_link,
    )
)
register(
    Kind(
        key="cocreator_accepted",
        label="A member accepted your co-creator invitation",
        default=Delivery.IN_APP,
        describe=lambda n: f"{_actor(n)} accepted your invitation to co-create {_record_title(n)}.",
        link=_record_link,
    )
)
register(
    Kind(
        key="cocreator_declined",
        label="A member declined your co-creator invitation",
        default=Delivery.IN_APP,
        describe=lambda n: f"{_actor(n)} declined your invitation to co-create {_record_title(n)}.",
        link=_record_link,
    )
)
register(
    Kind(
        key="processing_failed",
        label="An upload of yours could not be processed",
        default=Delivery.IN_APP,
        describe=lambda n: (
            f"Your upload to {_record_title(n)} could not be processed: "
            f"{escape_markdown(n.about.failure_reason) if n.about else ''}"
        ),
        link=_record_link,
    )
)
