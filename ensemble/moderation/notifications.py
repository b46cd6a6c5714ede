"""Notification kinds the moderation app sends (registered from ModerationConfig.ready).

None of them names who reported: the owner of a removed thing is told what and why,
never by whom it was reported."""

from django.urls import reverse

from ensemble.core.markdown import escape_markdown
from ensemble.notifications.kinds import Delivery, Kind, register


def _label(n):  # type: ignore[no-untyped-def]
    return escape_markdown(n.about.target_label) if n.about else "something you reported"


def _outcome(n):  # type: ignore[no-untyped-def]
    if n.about is None:
        return "Your report was decided."
    said = "upheld" if n.about.state == "upheld" else "dismissed"
    return f"Your report on {_label(n)} was {said}: {escape_markdown(n.about.outcome)}"


def _removed(n):  # type: ignore[no-untyped-def]
    if n.about is None:
        return "Moderators removed something of yours."
    kind = n.about.get_kind_display().lower()
    return f"Moderators removed your {kind}: {escape_markdown(n.about.outcome)}"


register(
    Kind(
        key="report_decided",
        label="A report you made is decided",
        default=Delivery.EMAIL,
        link=lambda n: n.about.get_absolute_url() if n.about else reverse("moderation:mine"),
        describe=_outcome,
    )
)
register(
    Kind(
        key="report_filed",
        label="A report comes in (moderators)",
        default=Delivery.IN_APP,  # a busy site's reports would flood a mailbox
        link=lambda n: n.about.get_absolute_url() if n.about else reverse("moderation:queue"),
        describe=lambda n: (
            f"A new report on {_label(n)} "
            f"({escape_markdown(n.about.get_reason_display().lower())})."
            if n.about
            else "A new report came in."
        ),
    )
)
register(
    Kind(
        key="report_message",
        label="A moderator writes about your report",
        default=Delivery.EMAIL,
        link=lambda n: n.about.get_absolute_url() if n.about else reverse("moderation:mine"),
        describe=lambda n: f"A moderator wrote about your report on {_label(n)}.",
    )
)
register(
    Kind(
        key="content_removed",
        label="Moderators remove something of yours",
        default=Delivery.EMAIL,
        link=lambda n: reverse("moderation:mine") + "#actions",
        describe=_removed,
    )
)
register(
    Kind(
        key="content_hidden",
        label="Moderators hide something of yours",
        default=Delivery.EMAIL,
        link=lambda n: reverse("moderation:mine") + "#actions",
        describe=lambda n: (
            f"Moderators hid your {n.about.get_kind_display().lower()}; only you and they "
            f"see it now: {escape_markdown(n.about.outcome)}"
            if n.about
            else "Moderators hid something of yours."
        ),
    )
)
register(
    Kind(
        key="source_removed",
        label="A work yours is built on is removed",
        default=Delivery.IN_APP,
        link=lambda n: n.about.get_absolute_url() if n.about else reverse("home"),
        describe=lambda n: (
            "Moderators removed a work yours is built on; yours still names it as a source "
            "and its creator keeps their credit."
        ),
    )
)


def _appeal(n):  # type: ignore[no-untyped-def]
    if n.about is None:
        return "Your appeal was decided."
    said = "granted: it is back" if n.about.state == "granted" else "denied"
    return f"Your appeal was {said}. {escape_markdown(n.about.outcome)}"


register(
    Kind(
        key="appeal_decided",
        label="Your appeal is decided",
        default=Delivery.EMAIL,
        link=lambda n: reverse("moderation:mine") + "#actions",
        describe=_appeal,
    )
)


def _sanction(n):  # type: ignore[no-untyped-def]
    entry = n.about
    if entry is None:
        return "The moderators acted on your account."
    said = {
        "warn": "Moderators warn you",
        "suspend": "Moderators suspended your account: you can read, appeal and sign out",
        "ban": "Moderators banned your account",
    }.get(entry.action, "Moderators acted on your account")
    return f"{said}. Reason: {escape_markdown(entry.note)}"


register(
    Kind(
        key="member_sanctioned",
        label="Moderators warn, suspend or ban you",
        default=Delivery.EMAIL,
        link=lambda n: reverse("moderation:mine") + "#actions",
        describe=_sanction,
    )
)


register(
    Kind(
        key="sanction_lifted",
        label="Moderators lift your suspension or ban",
        default=Delivery.EMAIL,
        link=lambda n: reverse("moderation:mine") + "#actions",
        describe=lambda n: (
            f"Moderators lifted your suspension or ban: {escape_markdown(n.about.note)}"
            if n.about
            else "Moderators lifted your suspension or ban."
        ),
    )
)


def _credited(n):  # type: ignore[no-untyped-def]
    entry = n.about
    if entry is None:
        return "Moderators added a missing credit to your work."
    original = escape_markdown(str(entry.after.get("source_title", "an original")))
    reason = escape_markdown(entry.note)
    return f"Moderators credited “{original}” as a source of your work: {reason}"


register(
    Kind(
        key="credit_added",
        label="Moderators add a missing credit to your work",
        default=Delivery.EMAIL,
        link=lambda n: reverse("moderation:mine") + "#actions",
        describe=_credited,
    )
)
