"""Sign-up, sign-in, email verification, profiles and API tokens (web pages)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ensemble.accounts import indexing, services
from ensemble.accounts.avatars import too_large_message
from ensemble.accounts.forms import (
    EmailChangeForm,
    LoginForm,
    ProfileForm,
    SignUpForm,
    TokenForm,
)
from ensemble.accounts.http import member
from ensemble.accounts.tokens import (
    BadVerificationLink,
    read_email_change_token,
    read_verification_token,
)
from ensemble.core import ratelimit
from ensemble.core.ratelimit import RateLimited, limited, too_many

# The pending sign-up of this browser: who signed up, to which address, where to go next.
SIGNUP_SESSION_KEY = "signup"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


# Like Django's own LoginView: passwords never reach error reports, and pages carrying
# a form with a CSRF token (or a secret) are never cached.
@sensitive_post_parameters("password")
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        data = request.POST
        try:
            services.throttle_signup(
                ratelimit.client_address(request), data.get("username", ""), data.get("email", "")
            )
        except RateLimited as error:
            return too_many(request, error)
        if form.is_valid():
            try:
                services.sign_up(**form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # The same answer whether the address was new (an account and a
                # verification link) or known (its owner is emailed): nobody learns from
                # it whose address is registered. The verification link signs in this
                # browser, and goes back where the visitor came from.
                request.session[SIGNUP_SESSION_KEY] = {
                    "username": form.cleaned_data["username"],
                    "email": form.cleaned_data["email"],
                    "next": _safe_next(request) if request.POST.get("next") else "",
                }
                return redirect("accounts:signup_sent")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@never_cache
def signup_sent(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SIGNUP_SESSION_KEY)
    if not pending:
        return redirect("accounts:signup")
    return render(request, "accounts/signup_sent.html", {"pending": pending})


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        ip = ratelimit.client_address(request)
        name = request.POST.get("username", "")
        try:
            services.count_login_attempt(ip, name)
        except RateLimited as error:
            return too_many(request, error)
        if form.is_valid():
            services.forgive_login_attempt(ip, name)
            login(request, form.get_user())
            return redirect(_safe_next(request))
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("home")


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = read_verification_token(token)
    except BadVerificationLink as error:
        return render(request, "accounts/verify_failed.html", {"reason": str(error)}, status=400)
    pending = request.session.get(SIGNUP_SESSION_KEY) or {}
    if services.mark_email_verified(user):
        messages.success(request, "Your email address is verified. Thank you!")
        # Opened in the browser that signed up (a mail scanner has no such session):
        # that is the newcomer, now proven to hold the address; sign them in.
        if not request.user.is_authenticated and pending.get("username") == user.username:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            request.session.pop(SIGNUP_SESSION_KEY, None)
            return redirect(pending.get("next") or "accounts:edit_profile")
    else:
        messages.info(request, "Your email address was already verified.")
    return redirect("accounts:edit_profile" if request.user == user else "accounts:login")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    user = member(request)
    if user.email_verified:
        messages.info(request, "Your email address is already verified.")
    else:
        try:
            ratelimit.hit("verify_resend", f"user:{user.pk}")
        except RateLimited as error:
            return too_many(request, error)
        with transaction.atomic():
            services.send_verification_email(user)
        messages.success(request, f"We sent a new verification link to {user.email}.")
    return redirect(_safe_next(request))


@login_required
@never_cache
def edit_profile(request: HttpRequest) -> HttpResponse:
    # Refuse an oversized body from its declared length, before reading it: the avatar
    # check afterwards would come only once the whole upload sat on disk.
    if _declared_length(request) > settings.AVATAR_MAX_BYTES + 64 * 1024:
        return render(request, "413.html", {"message": too_large_message()}, status=413)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            indexing.reindex(user)
        messages.success(request, "Your profile is saved.")
        return redirect(user)
    return render(request, "accounts/edit_profile.html", {"form": form})


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@login_required
@sensitive_post_parameters("password")
@never_cache
def change_email(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_email = services.request_email_change(
                user, new_email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except RateLimited as error:
            return too_many(request, error)
        except ValidationError as error:
            form.add_error(None, error)  # field errors land on their fields
        else:
            messages.success(
                request,
                f"We sent a link to {new_email}. Your address changes when you open it; "
                f"until then it stays {user.email}.",
            )
            return redirect("accounts:edit_profile")
    return render(request, "accounts/change_email.html", {"form": form})


@never_cache
def confirm_email_change(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will change; only the button (POST) changes it.

    Mail scanners open links; they do not press buttons. A change applied on GET could
    move an account to a mistyped address as soon as its owner's scanner looked.
    """
    try:
        user, new_email = read_email_change_token(token)
        if request.method == "POST":
            user = services.confirm_email_change(token)
    except BadVerificationLink as error:
        return _email_change_failed(request, str(error))
    except ValidationError as error:
        return _email_change_failed(request, error.messages[0])
    if request.method != "POST":
        context = {"member": user, "new_email": new_email}
        return render(request, "accounts/change_email_confirm.html", context)
    messages.success(request, f"Your email address is now {user.email}.")
    return redirect("accounts:edit_profile" if request.user == user else "accounts:login")


def _email_change_failed(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/change_email_failed.html", {"reason": reason}, status=400)


@login_required
@never_cache  # the page shows a new token's secret once; no cache may keep a copy
@limited("token")
def tokens(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_access_token(user, form.cleaned_data["name"])
        except RateLimited as error:
            return too_many(request, error)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            new_secret = created.secret
            form = TokenForm()
    context = {
        "form": form,
        "new_secret": new_secret,
        "tokens": user.access_tokens.all(),
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = member(request)
    token = get_object_or_404(user.access_tokens, pk=token_id)
    services.revoke_access_token(user, token.pk)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("accounts:tokens")
