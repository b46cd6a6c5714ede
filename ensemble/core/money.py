"""Money as people read it, and as machines read it.

Amounts are stored as whole minor units (cents) of an ISO 4217 currency. Everything a
person reads (pages, emails, notifications, the split chart) goes through `format_money`,
so "33462 EUR" can never be shown for €334.62 again; everything a machine reads (CSV
columns, the API's `amount`) goes through `plain_amount`, an exact decimal string.

How many minor units a currency has, its symbol and the locale's grouping and decimal
marks come from Babel (CLDR data), so one table serves every page. Nothing here knows
about pools or ledgers: any app may use it.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.utils.translation import get_language, to_locale


def minor_digits(currency: str) -> int:
    """Decimal places of the currency's minor unit: 2 for EUR, 0 for JPY."""
    return int(get_currency_precision(currency.upper()))


def as_decimal(amount: int, currency: str) -> Decimal:
    """Minor units as an exact `Decimal` of the major unit: 33462 EUR → 334.62."""
    return Decimal(int(amount)).scaleb(-minor_digits(currency))


def plain_amount(amount: int, currency: str) -> str:
    """The exact decimal a machine reads, no symbol and no grouping: 123456 EUR →
    "1234.56", 5 JPY → "5". For CSV columns and the API, never for people."""
    return f"{as_decimal(amount, currency):f}"


@lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_money(
    amount: int, currency: str, *, locale: str | None = None, signed: bool = False
) -> str:
    """Minor units as a person reads them in their locale: 33462 EUR → "€334.62" in
    English, "334,62 €" in German. `signed` puts a "+" before amounts above 0, for
    changes and for the parts of a sum."""
    code = locale or to_locale(get_language() or settings.LANGUAGE_CODE)  # the active one
    text = _formatted(int(amount), currency.upper(), code)
    return f"+{text}" if signed and amount > 0 else text


@lru_cache(maxsize=8192)
def _formatted(amount: int, currency: str, locale: str) -> str:
    """Babel reads the locale's pattern afresh on every call (~40 µs); a page of a
    proposal shows the same few amounts hundreds of times."""
    return str(format_currency(as_decimal(amount, currency), currency, locale=_locale(locale)))
