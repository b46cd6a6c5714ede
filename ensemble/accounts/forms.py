from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction

from ensemble.accounts import services
from ensemble.accounts.avatars import process_avatar, readable_size
from ensemble.accounts.models import USERNAME_PATTERN, Skill, User
from ensemble.core import generations

MAX_LINKS = 5
ZERO_WIDTH_JOINER = "\u200d"  # joins emoji such as 👩‍🎨; harmless, and wanted


def _is_invisible_control(character: str) -> bool:
    """Control and format characters: bidi overrides, zero-width spaces and the like."""
    return character != ZERO_WIDTH_JOINER and unicodedata.category(character) in ("Cc", "Cf")


class SignUpForm(forms.Form):
    username = forms.RegexField(
        regex=USERNAME_PATTERN,
        strip=True,  # a pasted name often brings a space or a newline along
        max_length=30,
        help_text="3–30 letters, digits or underscores. Your page will be /@username.",
        error_messages={"invalid": "Use 3–30 letters, digits or underscores."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        max_length=254,  # the model's limit, so the browser enforces it too
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        strip=False,
        help_text="At least 10 characters; not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        services.validate_new_username(username)
        return username

    def clean_email(self) -> str:
        # Whether the address is taken is never said here: sign-up answers alike either
        # way, and the owner is emailed (services.sign_up).
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean(self) -> dict:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            probe = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # AuthenticationForm caps this field at the username's length (30), which would
        # stop browsers from accepting a longer email address; the field takes either.
        self.fields["username"].max_length = 254  # type: ignore[attr-defined]  # a CharField
        self.fields["username"].widget.attrs["maxlength"] = 254


class ProfileForm(forms.ModelForm):
    links_text = forms.CharField(
        label="Links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {MAX_LINKS} web addresses, one per line (portfolio, shop, socials).",
    )
    skills = forms.MultipleChoiceField(
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What you do; calls for contributions will be matched to these.",
    )
    avatar = forms.FileField(
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove my avatar")

    class Meta:
        model = User
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "display_name": "The name shown on your work and in credits.",
            "bio": "A few words about you. Markdown works: **bold**, _italic_, [links](https://…).",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = readable_size(settings.AVATAR_MAX_BYTES)
        self.fields[
            "avatar"
        ].help_text = f"JPEG, PNG, WebP or GIF, up to {limit}. It is cropped to a square."
        if not self.is_bound:
            self.initial["links_text"] = "\n".join(self.instance.links)
            if self.instance.pk:
                self.initial["skills"] = [skill.value for skill in self.instance.skill_list()]

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if any(_is_invisible_control(character) for character in name):
            raise ValidationError(
                "Names cannot contain invisible control characters (such as text-direction "
                "overrides), which could make one name look like another."
            )
        services.validate_display_name(name, self.instance)
        return name

    def clean_avatar(self) -> ContentFile | None:
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return process_avatar(upload)

    def clean_links_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links_text"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(f"Add at most {MAX_LINKS} links.")
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            if len(link) > 500:
                raise ValidationError("Links are at most 500 characters.")
            try:
                validate(link)
            except ValidationError:
                raise ValidationError(
                    f"“{link[:80]}” is not a web address starting with http:// or https://."
                ) from None
            if not urlsplit(link).hostname:
                raise ValidationError(f"“{link[:80]}” has no host name.")
        return links

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.links = self.cleaned_data["links_text"]
        new_avatar = self.cleaned_data.get("avatar")
        old_avatar = user.avatar.name if user.avatar else ""
        if new_avatar:
            user.avatar.save(new_avatar.name, new_avatar, save=False)
        elif self.cleaned_data.get("remove_avatar"):
            user.avatar = None
        if commit:
            user.save()
            user.set_skills(self.cleaned_data["skills"])
            generations.bump("credits")  # names and skills appear in credit rolls
            if old_avatar and user.avatar.name != old_avatar:
                storage = user.avatar.storage
                # Delete the replaced file only once the new profile is committed.
                transaction.on_commit(lambda: storage.delete(old_avatar))
        return user


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link there; the change happens when you open it.",
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you.",
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        help_text="What will use this token, e.g. “import script on my laptop”.",
    )
