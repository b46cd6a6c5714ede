"""Forms for the project and call pages; the rules live in the services."""

from __future__ import annotations

from django import forms

from ensemble.accounts.models import Skill
from ensemble.records.models import Record


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20_000,
        help_text="Markdown. What you are making together.",
    )
    stages = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One per line, in order: Writing, Illustration, Score, Edit…",
    )


class CallForm(forms.Form):
    title = forms.CharField(max_length=200)
    brief = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000)
    deadline = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="In your time zone (set in your browser's time, read as the site's zone).",
    )
    accepted_kinds = forms.MultipleChoiceField(
        choices=Record.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any kind.",
    )
    skills = forms.MultipleChoiceField(
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Skills wanted",
        help_text="Members with these skills see the call first.",
    )
    max_entries_per_person = forms.IntegerField(min_value=1, max_value=100, initial=3)
    sealed = forms.BooleanField(
        required=False, label="Sealed: entries visible only to the leaders until it closes"
    )
    blind_review = forms.BooleanField(required=False, label="Blind review: no names for reviewers")
    stage = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Stage")
    resources = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the project's resources: what entries should build on.",
    )
    requires_resources = forms.BooleanField(
        required=False, label="Entries must cite at least one of these resources"
    )

    def __init__(self, *args: object, project: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        stages = [(s.position, s.name) for s in project.stages.all()]  # type: ignore[attr-defined]
        self.fields["stage"].choices = [("", "No particular stage"), *stages]  # type: ignore[attr-defined]
        pool = project.resources.select_related("record__owner").order_by("pk")  # type: ignore[attr-defined]
        self.fields["resources"].choices = [  # type: ignore[attr-defined]
            (r.record_id, f"{r.record.title} by {r.record.owner.name}") for r in pool
        ]
        if not stages:
            del self.fields["stage"]
        if not self.fields["resources"].choices:  # type: ignore[attr-defined]
            del self.fields["resources"], self.fields["requires_resources"]


class EnterForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            ("shortlisted", "Shortlist"),
            ("selected", "Select"),
            ("declined", "Decline"),
            ("submitted", "Back to submitted"),
        ]
    )
    note = forms.CharField(required=False, max_length=2000)


class EntryUploadForm(forms.Form):
    """Upload a file, or write a text, straight into a call (the call and event pages)."""

    file = forms.FileField(
        required=False, allow_empty_file=True, label="Photo, video, sound or file"
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=200 * 1024,
        label="Or write it here",
        help_text="Markdown, for words: a line, a poem, a scene.",
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="Left empty: taken from the file name."
    )
    resources = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Built on",
        help_text="The call's resources your work uses or answers.",
    )

    def __init__(self, *args: object, resources: list[Record], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["resources"]
        field.choices = [(r.pk, f"{r.title} by {r.owner.name}") for r in resources]  # type: ignore[attr-defined]
        if not self.is_bound:
            field.initial = [r.pk for r in resources]  # pre-cited: untick what you did not use

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool((data.get("body") or "").strip()):
            raise forms.ValidationError("Choose a file or write something (one of the two).")
        if data.get("body") and not data.get("title"):
            self.add_error("title", "Give what you wrote a title.")
        return data
