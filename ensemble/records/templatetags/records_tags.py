"""Template tags other apps' pages use to show records (the portfolio on a profile)."""

from __future__ import annotations

from typing import Any

from django import template

from ensemble.records.models import Record
from ensemble.records.present import card_media

register = template.Library()

PORTFOLIO_SIZE = 12


@register.inclusion_tag("records/_portfolio.html", takes_context=True)
def portfolio(context: dict[str, Any], owner: Any) -> dict[str, Any]:
    """The member's newest records: public ones, and drafts too when they look themselves."""
    viewer = context["request"].user
    records = Record.objects.alive().by(owner).for_cards()
    mine = viewer.is_authenticated and viewer.pk == owner.pk
    if not mine:
        records = records.filter(visibility=Record.Visibility.PUBLIC)
    items = list(records[: PORTFOLIO_SIZE + 1])
    return {
        "cards": [(r, card_media(r.current_version, r, viewer)) for r in items[:PORTFOLIO_SIZE]],
        "more": len(items) > PORTFOLIO_SIZE,
        "owner": owner,
        "mine": mine,
    }
