from typing import Any

from django import forms

from ensemble.notifications import kinds
from ensemble.notifications.kinds import Delivery


class PreferencesForm(forms.Form):
    """One choice per registered kind: on the site, by email too, or off."""

    def __init__(self, *args: Any, current: dict[str, Delivery], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.all_kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current.get(kind.key, kind.default),
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, Delivery]:
        return {key: Delivery(value) for key, value in self.cleaned_data.items()}
