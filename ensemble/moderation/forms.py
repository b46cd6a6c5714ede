from django import forms

from ensemble.moderation.models import TEXT_LENGTH, AuditEntry, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="What is wrong",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LENGTH,
        help_text="Moderators read this; the person you report does not see who reported.",
    )
    original = forms.IntegerField(
        label="The original on this site (its record number)",
        required=False,
        min_value=1,
        help_text="For “my work”: the record it was taken from.",
    )
    original_url = forms.URLField(
        label="Or where the original was first published",
        required=False,
        max_length=500,
        assume_scheme="https",
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LENGTH
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (AuditEntry.Action.DISMISS, "Dismiss the report"),
            (AuditEntry.Action.REMOVE, "Remove it"),
            (
                AuditEntry.Action.HIDE,
                "Hide it (a record or project: only its owner and moderators see it)",
            ),
            (AuditEntry.Action.CREDIT, "Add the missing credit (a rights report)"),
            (AuditEntry.Action.WARN, "Warn its owner"),
            (AuditEntry.Action.SUSPEND, "Suspend its owner"),
            (AuditEntry.Action.BAN, "Ban its owner"),
        ],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label="Days, for a suspension",
        required=False,
        min_value=1,
        max_value=365,
        initial=7,
    )
    note = forms.CharField(
        label="Reason (the owner and the reporter are told)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LENGTH,
    )


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("grant", "Grant: give it back"), ("deny", "Deny: it stays removed")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Reason (the owner is told)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LENGTH,
    )


class LiftForm(forms.Form):
    note = forms.CharField(
        label="Reason (the member is told)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LENGTH,
    )
