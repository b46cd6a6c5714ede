from __future__ import annotations

from typing import Any

from django import forms

from ensemble.lineage.models import Source


class CiteForm(forms.Form):
    source = forms.CharField(
        required=False, max_length=300, help_text="A record number or its address."
    )
    source_pick = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=Source.Kind.choices, initial=Source.Kind.USES, widget=forms.RadioSelect
    )
    note = forms.CharField(max_length=500, help_text="What you used, or how it inspired you.")
    part = forms.CharField(
        required=False, max_length=200, help_text="Optional: a stem, a layer, a character."
    )
    start_seconds = forms.FloatField(required=False, min_value=0, label="From (seconds)")
    end_seconds = forms.FloatField(required=False, min_value=0, label="To (seconds)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("source") and not data.get("source_pick"):
            raise forms.ValidationError("Choose the record you used, or give its number.")
        return data


class EditCitationForm(forms.Form):
    note = forms.CharField(max_length=500)
    part = forms.CharField(required=False, max_length=200)
    start_seconds = forms.FloatField(required=False, min_value=0, label="From (seconds)")
    end_seconds = forms.FloatField(required=False, min_value=0, label="To (seconds)")
