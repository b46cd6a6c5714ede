"""`{% load money %}`: amounts in minor units shown as money, in the reader's locale.

{{ pool.budget|money:pool.currency }}          → €334.62
{{ change|money_signed:pool.currency }}        → +€12.50
"""

from __future__ import annotations

from django import template

from ensemble.core.money import format_money

register = template.Library()


@register.filter(name="money")
def money(amount: int | None, currency: str) -> str:
    """Minor units as money; an empty string for no amount, so a gap never reads as 0."""
    if amount is None or amount == "":
        return ""
    return format_money(int(amount), currency)


@register.filter(name="money_signed")
def money_signed(amount: int | None, currency: str) -> str:
    """The same with a "+" before amounts above 0: changes and the parts of a sum."""
    if amount is None or amount == "":
        return ""
    return format_money(int(amount), currency, signed=True)
