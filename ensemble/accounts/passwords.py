"""Password reset by email and password change, built on Django's views.

Reset emails go through the task queue; a changed password revokes the API tokens.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from ensemble.accounts import services
from ensemble.accounts.models import User
from ensemble.core import ratelimit
from ensemble.core.emails import queue_templated_email
from ensemble.core.ratelimit import RateLimited, too_many


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through the worker (after the commit)."""

    def get_users(self, email: str) -> Iterator[User]:
        # Django's own lookup (email__iexact) cannot use the index on LOWER(email).
        for user in User.objects.with_email(email).filter(is_active=True):
            if user.has_usable_password():
                yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        queue_templated_email(to_email, subject_template_name, email_template_name, context)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset.subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            ratelimit.hit("password_reset", ratelimit.client_address(request))
            ratelimit.hit("password_reset", f"email:{request.POST.get('email', '')}")
        except RateLimited as error:
            return too_many(request, error)
        with transaction.atomic():
            return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    @method_decorator(transaction.atomic)
    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        services.password_was_changed(form.user)
        return response


class CheckedPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old-password check rate limited (see check_own_password)."""

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not services.check_own_password(self.user, old_password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = CheckedPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:edit_profile")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except RateLimited as error:
            return too_many(request, error)

    @method_decorator(transaction.atomic)
    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)  # saves, and keeps this session signed in
        services.password_was_changed(form.user)
        messages.success(self.request, "Your password is changed. Your API tokens were revoked.")
        return response
