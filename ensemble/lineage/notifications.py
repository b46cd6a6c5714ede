"""Notification kinds the lineage app sends (registered from LineageConfig.ready)."""

from django.urls import reverse

from ensemble.core.markdown import escape_markdown
from ensemble.notifications.kinds import Delivery, Kind, register
from ensemble.notifications.models import Notification
from ensemble.records.models import Record
from ensemble.records.takedown import HIDDEN_TITLE


def _describe(n: Notification) -> str:
    if n.about is None:
        return "Someone cited one of your records (the citation was since removed)."
    who = escape_markdown(f"@{n.actor.username}") if n.actor else "Someone"
    verb = "used" if n.about.kind == "uses" else "was inspired by"
    source = escape_markdown(n.about.source.title)
    derived = n.about.derived
    # Read when shown: a remix moderators hid since is no longer named.
    title = HIDDEN_TITLE if derived.visibility == Record.Visibility.HIDDEN else derived.title
    return f"{who} {verb} “{source}” in “{escape_markdown(title)}”."


register(
    Kind(
        key="cited",
        label="Someone uses your work in theirs, or is inspired by it",
        default=Delivery.EMAIL,
        describe=_describe,
        link=lambda n: n.about.derived.get_absolute_url() if n.about else reverse("home"),
    )
)
