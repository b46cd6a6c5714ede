"""Deleting your account: the form (password, your records, money owed first), and
cancelling while it waits."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ensemble.accounts import deletion
from ensemble.accounts.http import member
from ensemble.core.refusals import Refused


class DeletionForm(forms.Form):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput)
    records = forms.ChoiceField(
        label="Your records",
        choices=[
            ("keep", "Keep them, credited to “a former member”"),
            ("delete", "Delete them: tombstones that still name where remixes came from"),
        ],
        widget=forms.RadioSelect,
        initial="keep",
    )
    give_up_money = forms.BooleanField(
        label="I give up the money owed to me: a deleted account cannot be paid",
        required=False,
    )


@sensitive_post_parameters("password")
@login_required
@never_cache
def delete_account(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            due = deletion.request(
                user,
                password=data["password"],
                keep_records=data["records"] == "keep",
                give_up_money=data["give_up_money"],
            )
        except Refused as error:
            error.show_on(form)
        else:
            messages.success(request, f"Your account will be deleted on {due:%d %B %Y}.")
            return redirect("accounts:delete_account")
    shown = {
        "form": form,
        "owed": deletion.owed_to(user),
        "days": settings.ACCOUNT_DELETION_DAYS,
        "due": user.deletion_due_at,
    }
    return render(request, "accounts/delete.html", shown, status=400 if form.errors else 200)


@login_required
@require_POST
def cancel_deletion(request: HttpRequest) -> HttpResponse:
    if deletion.cancel(member(request)):
        messages.success(request, "Your account stays: the deletion is cancelled.")
    return redirect("accounts:delete_account")
