"""Notification kinds the payments app sends (registered from PaymentsConfig.ready)."""

from django.urls import reverse

from ensemble.core.markdown import escape_markdown
from ensemble.core.money import format_money
from ensemble.notifications.kinds import Delivery, Kind, register


def _link(n):  # type: ignore[no-untyped-def]
    return reverse("payments:proposal", args=[n.about.pk]) if n.about else reverse("home")


def _title(n):  # type: ignore[no-untyped-def]
    return escape_markdown(n.about.pool.production.record.title)


register(
    Kind(
        key="payment_proposal_published",
        label="You are in a payment proposal open for comments",
        default=Delivery.EMAIL,
        describe=lambda n: (
            f"A payment proposal for “{_title(n)}” includes you; it is open for comments."
            if n.about
            else "A payment proposal that included you was published."
        ),
        link=_link,
    )
)
register(
    Kind(
        key="payment_proposal_finalized",
        label="A payment proposal you are in was finalized",
        default=Delivery.EMAIL,
        describe=lambda n: (
            f"The payment proposal for “{_title(n)}” is final; your earnings page shows your part."
            if n.about
            else "A payment proposal that included you was finalized."
        ),
        link=_link,
    )
)
register(
    Kind(
        key="payout_made",
        label="A payout to you was made",
        default=Delivery.EMAIL,
        describe=lambda n: (
            f"{format_money(n.about.amount, n.about.currency)} was paid to you "
            f"(reference {escape_markdown(n.about.reference)})."
            if n.about
            else "A payout to you was made."
        ),
        link=lambda n: reverse("payments:earnings"),
    )
)
register(
    Kind(
        key="proposal_lineage_changed",
        label="The lineage of a payment proposal you lead changed",
        default=Delivery.EMAIL,
        describe=lambda n: (
            f"Moderators changed the lineage of the payment proposal for “{_title(n)}”: "
            f"{escape_markdown(n.about.lineage_change)}"
            if n.about
            else "Moderators changed the lineage of a payment proposal you lead."
        ),
        link=_link,
    )
)
