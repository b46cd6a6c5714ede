"""Forms for the record pages. Validation of content lives in the services."""

from __future__ import annotations

from django import forms

from ensemble.records.models import Licence, Record


class RecordFieldsForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
        help_text="Markdown. What it is, how you made it, what others may build on.",
    )
    tags = forms.CharField(
        required=False, max_length=500, help_text="Up to 10, separated by commas."
    )
    licence = forms.ChoiceField(choices=Licence.choices, initial=Licence.ACCORD)


class UploadForm(RecordFieldsForm):
    """One file: the page without JavaScript. With it, files go to the API one by one."""

    file = forms.FileField(allow_empty_file=True)
    title = forms.CharField(
        max_length=200, required=False, help_text="Left empty: taken from the file name."
    )
    kind = forms.ChoiceField(
        choices=[("", "Detect from the file"), *Record.Kind.choices], required=False
    )


class TextRecordForm(RecordFieldsForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=200 * 1024,
        help_text="Markdown: *emphasis*, # headings, lists, links.",
    )


class VersionForm(forms.Form):
    file = forms.FileField(required=False, allow_empty_file=True)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), required=False)
    change_note = forms.CharField(
        max_length=500, required=False, help_text="What changed in this version."
    )


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, label="Member's username")
