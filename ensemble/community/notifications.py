"""Notification kinds the community app sends (registered from CommunityConfig.ready)."""

from django.urls import reverse

from ensemble.core.markdown import escape_markdown
from ensemble.notifications.kinds import Delivery, Kind, register


def _comment_link(n):  # type: ignore[no-untyped-def]
    return n.about.get_absolute_url() if n.about else reverse("home")


def _actor(n):  # type: ignore[no-untyped-def]
    # The @username too: display names can imitate one another, usernames cannot.
    return escape_markdown(n.actor.name_with_handle) if n.actor else "Someone"


register(
    Kind(
        key="mentioned",
        label="Someone mentions you in a comment",
        default=Delivery.EMAIL,
        link=_comment_link,
        describe=lambda n: f"{_actor(n)} mentioned you in a comment.",
    )
)
register(
    Kind(
        key="comment_reply",
        label="A reply to your comment",
        default=Delivery.IN_APP,
        link=_comment_link,
        describe=lambda n: f"{_actor(n)} answered your comment.",
    )
)
register(
    Kind(
        key="comment_on_yours",
        label="A comment on your record, project or call",
        default=Delivery.IN_APP,
        link=_comment_link,
        describe=lambda n: f"{_actor(n)} commented on your work.",
    )
)
register(
    Kind(
        key="new_follower",
        label="Someone follows you",
        default=Delivery.IN_APP,
        link=lambda n: n.actor.get_absolute_url() if n.actor else reverse("home"),
        describe=lambda n: f"{_actor(n)} follows you now.",
    )
)
