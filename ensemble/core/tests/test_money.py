"""One formatter for money: exact, in the reader's locale, and a template filter."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from ensemble.core.money import format_money, minor_digits, plain_amount


def test_minor_units_print_exactly_for_machines():
    assert plain_amount(123_456, "EUR") == "1234.56"
    assert plain_amount(5, "EUR") == "0.05"
    assert plain_amount(-5, "EUR") == "-0.05"
    assert plain_amount(0, "EUR") == "0.00"
    assert plain_amount(5, "JPY") == "5"
    assert plain_amount(10**15 + 1, "EUR") == "10000000000000.01"  # no float on the way


def test_people_read_money_as_money_in_their_locale():
    assert format_money(33_462, "EUR") == "€334.62"
    assert format_money(290_975, "eur") == "€2,909.75"
    assert format_money(1_250, "EUR", signed=True) == "+€12.50"
    assert format_money(-1_250, "EUR", signed=True) == "-€12.50"
    assert format_money(0, "EUR", signed=True) == "€0.00"
    assert format_money(1_234, "JPY") == "¥1,234"
    assert format_money(33_462, "EUR", locale="de_DE") == "334,62\xa0€"
    with translation.override("fr"):
        assert format_money(33_462, "EUR") == "334,62\xa0€"
    assert format_money(33_462, "EUR", locale="xx-nowhere") == "€334.62"
    assert minor_digits("usd") == 2


def test_the_template_filters():
    page = Template(
        "{% load money %}{{ a|money:'EUR' }} {{ b|money_signed:'EUR' }} [{{ c|money:'EUR' }}]"
    )
    assert page.render(Context({"a": 63_200, "b": 1, "c": None})) == "€632.00 +€0.01 []"
