"""Notification kinds the projects app sends (registered from ProjectsConfig.ready)."""

from django.urls import reverse

from ensemble.core.markdown import escape_markdown
from ensemble.notifications.kinds import Delivery, Kind, register
from ensemble.notifications.models import Notification
from ensemble.projects.models import Decision, Entry


def _entry_text(n: Notification) -> str:
    """The decision and the leaders' note to the entrant, if they wrote one. Older rows
    are about the entry itself (before decisions were named) and say its state."""
    about = n.about
    if about is None:
        return "A decision was made on one of your entries (the entry was since removed)."
    decision = about if isinstance(about, Decision) else None
    entry = decision.entry if decision is not None else about
    state = Entry.State(decision.to_state if decision is not None else entry.state)
    text = (
        f"Your entry “{escape_markdown(entry.record.title)}” "
        f"to “{escape_markdown(entry.call.title)}” is now {state.label.lower()}."
    )
    if decision is not None and decision.note:
        text += f" The leaders' note: “{decision.note}”"
    return text


def _entry_link(n: Notification) -> str:
    """The entry's card on the call page, where the entrant reads the note again."""
    about = n.about
    if about is None:
        return reverse("home")
    entry = about.entry if isinstance(about, Decision) else about
    return f"{entry.call.get_absolute_url()}#entry-{entry.pk}"


register(
    Kind(
        key="entry_decided",
        label="A decision on one of your entries to a call, with any note from the leaders",
        default=Delivery.EMAIL,
        describe=_entry_text,
        link=_entry_link,
    )
)
register(
    Kind(
        key="project_leader_added",
        label="You were made a leader of a project",
        default=Delivery.EMAIL,
        describe=lambda n: (
            f"You are now a leader of “{escape_markdown(n.about.project.title)}”."
            if n.about
            else "You were made a leader of a project."
        ),
        link=lambda n: n.about.project.get_absolute_url() if n.about else reverse("home"),
    )
)
register(
    Kind(
        key="production_released",
        label="A production with your work in it (or thanking you) is released",
        default=Delivery.EMAIL,
        describe=lambda n: (
            f"“{escape_markdown(n.about.production.record.title)}” of the project "
            f"“{escape_markdown(n.about.production.project.title)}” is released: "
            "thank you for your part in it."
            if n.about
            else "A production you contributed to was released."
        ),
        link=lambda n: (
            n.about.production.project.get_absolute_url() if n.about else reverse("home")
        ),
    )
)
register(
    Kind(
        key="project_update",
        label="An update from a project you take part in",
        default=Delivery.IN_APP,
        # The whole post: notifications.rendering shortens it once rendered, as cutting
        # the Markdown here could leave half a `**` or `[link](` showing.
        describe=lambda n: (
            f"News from “{escape_markdown(n.about.project.title)}”: {n.about.body}"
            if n.about
            else "A project you take part in posted an update (since removed)."
        ),
        link=lambda n: n.about.project.get_absolute_url() if n.about else reverse("home"),
    )
)
register(
    Kind(
        key="entry_upload_not_entered",
        label="Something you uploaded into a call could not be entered",
        default=Delivery.EMAIL,
        describe=lambda n: (
            escape_markdown(n.about.problem)
            if n.about
            else "An upload into a call was not entered."
        ),
        link=lambda n: n.about.call.get_absolute_url() if n.about else reverse("home"),
    )
)
register(
    Kind(
        key="new_call",
        label="A new call in a project you follow",
        default=Delivery.IN_APP,
        describe=lambda n: (
            f"New call in “{escape_markdown(n.about.project.title)}”: "
            f"{escape_markdown(n.about.title)}."
            if n.about and n.about.project
            else "A project you follow posted a new call."
        ),
        link=lambda n: n.about.get_absolute_url() if n.about else reverse("home"),
    )
)
