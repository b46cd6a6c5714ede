"""Forms for the payments pages; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ensemble.payments.models import Pool, PoolEntry


class PoolForm(forms.Form):
    production = forms.TypedChoiceField(coerce=int, label="Production")
    kind = forms.ChoiceField(
        choices=Pool.Kind.choices, widget=forms.RadioSelect, initial=Pool.Kind.PROFIT_SHARE
    )
    currency = forms.CharField(max_length=3, initial="EUR", help_text="ISO code: EUR, USD, GBP…")
    share_percent = forms.DecimalField(
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=50,
        required=False,
        label="Contributors' share (profit share)",
        help_text="Percent of the profit.",
    )
    budget = forms.DecimalField(
        min_value=0,
        required=False,
        label="Budget (fixed budget)",
        help_text="In the currency.",
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(choices=PoolEntry.Kind.choices)
    amount = forms.DecimalField(min_value=0, help_text="In the pool's currency.")
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    description = forms.CharField(max_length=300)


class AdjustForm(forms.Form):
    """One adjustment at a time, each with its reason."""

    action = forms.ChoiceField(
        label="Adjustment",
        choices=[
            ("waive", "Waive a person's share"),
            ("exclude", "Exclude a person"),
            ("manual", "Add a person by hand"),
            ("editor", "Set the editor share"),
            ("pass_through", "Set the pass-through"),
            ("weight", "Set an edge's weight"),
            ("seconds", "Weigh the production's sources by their seconds in the cut"),
        ],
    )
    user = forms.CharField(max_length=150, required=False, label="Member (username)")
    percent = forms.DecimalField(
        min_value=0, max_value=100, decimal_places=2, required=False, label="Percent"
    )
    edge = forms.CharField(max_length=50, required=False, label="Edge (derived-source)")
    weight = forms.IntegerField(min_value=0, max_value=1000, required=False)
    reason = forms.CharField(max_length=300, label="Reason")


def minor_units(value: object, places: int = 2) -> int:
    """A decimal amount typed in a form as exact minor units (no float on the way)."""
    amount = Decimal(str(value)) * (10**places)
    if amount != amount.to_integral_value():
        raise ValueError("more decimals than the currency has")
    return int(amount)
