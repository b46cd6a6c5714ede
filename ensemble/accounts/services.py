"""Account workflows shared by the web views, the API and commands."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ensemble.accounts import indexing
from ensemble.accounts.backends import member_by_id
from ensemble.accounts.lookalikes import skeleton
from ensemble.accounts.models import RESERVED_USERNAMES, AccessToken, User
from ensemble.accounts.tokens import (
    make_email_change_token,
    make_verification_token,
    read_email_change_token,
)
from ensemble.core import ratelimit
from ensemble.core.emails import queue_email
from ensemble.notifications.services import notify


def validate_new_username(username: str) -> None:
    """Refuse reserved and taken usernames, and ones that look like another member's
    name (`a1ice` beside `alice`): a username is what tells two members apart."""
    if username.lower() in RESERVED_USERNAMES:
        raise ValidationError("This username is reserved.", code="reserved")
    if User.objects.with_username(username).exists():
        raise ValidationError("This username is taken.", code="taken")
    _refuse_lookalike(skeleton(username), "This username")


def validate_display_name(name: str, member: User) -> None:
    """Refuse a display name that looks like another member's display name or username.

    Only a changed name is checked (its skeleton differs from the member's own): a
    member keeps the name they have, even one that came before this rule.
    """
    shape = skeleton(name)
    if not shape or shape in (member.name_skeleton, member.username_skeleton):
        return
    _refuse_lookalike(shape, "This name", exclude=member)


def _refuse_lookalike(shape: str, what: str, *, exclude: User | None = None) -> None:
    others = User.objects.filter(Q(name_skeleton=shape) | Q(username_skeleton=shape))
    if exclude is not None and exclude.pk is not None:
        others = others.exclude(pk=exclude.pk)
    other = others.only("username", "display_name").first()
    if other is None:
        return
    raise ValidationError(
        f"{what} looks too much like another member's, {other.name_with_handle}: people "
        "could take one of you for the other. Please choose one that stands apart.",
        code="lookalike",
    )


def validate_new_email(email: str, *, exclude: User | None = None) -> None:
    taken = User.objects.with_email(email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError("An account with this email address already exists.", code="taken")


def throttle_signup(ip: str, username: str, email: str) -> None:
    """Count a sign-up attempt from this address and for this name/email."""
    ratelimit.hit("signup_ip", ip)
    ratelimit.hit("signup_account", f"u:{username}")
    ratelimit.hit("signup_account", f"e:{email}")


@transaction.atomic
def sign_up(*, username: str, email: str, password: str) -> User | None:
    """Create an account and send the verification email (after the commit).

    When the address already has an account, nothing is created: its owner is emailed
    instead (someone tried to sign up with it; sign in or reset the password) and None
    is returned, which callers answer exactly like a new account, so sign-up never
    tells whether an address is known. The password is hashed either way, so the two
    take as long.

    Callers validate first (forms or API schemas); this re-checks what must hold so that
    two racing requests cannot both take a name (the database constraints are the last
    word).
    """
    email = User.objects.normalize_email(email)
    validate_new_username(username)
    user = User(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    owner = User.objects.with_email(email).first()
    if owner is not None:
        _send_signup_attempt_email(owner)
        return None
    user.full_clean(exclude=["password"], validate_constraints=False)
    save_new_user(user)
    indexing.reindex(user)
    send_verification_email(user)
    return user


def _send_signup_attempt_email(owner: User) -> None:
    """Tell an address's owner that someone tried to sign up with it (throttled per address
    by `signup_account`, like every sign-up)."""
    context = {
        "user": owner,
        "login_link": settings.SITE_URL + reverse("accounts:login"),
        "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
        "site_name": settings.SITE_NAME,
    }
    queue_email(owner.email, "accounts/email/signup_attempt", context)


def save_new_user(user: User) -> None:
    """Insert the account; a name taken since it was checked is a form error, not a 500.

    Two sign-ups racing for one username both pass the checks above; the database's
    case-insensitive unique constraints let only one in.
    """
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            "This username or email address was taken a moment ago. Please choose another.",
            code="taken",
        ) from None


def send_verification_email(user: User) -> None:
    path = reverse("accounts:verify_email", args=[make_verification_token(user)])
    queue_email(
        user.email,
        "accounts/email/verify",
        {"user": user, "link": settings.SITE_URL + path, "site_name": settings.SITE_NAME},
    )


@transaction.atomic
def mark_email_verified(user: User) -> bool:
    """Verify the address; return False if it was already verified (links work once).

    One conditional UPDATE decides, not the (possibly stale) instance: two clicks on the
    same link racing each other verify once and welcome once.
    """
    now = timezone.now()
    won = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
        email_verified_at=now
    )
    if not won:
        user.refresh_from_db(fields=["email_verified_at"])
        return False
    user.email_verified_at = now
    notify(user, "welcome")
    return True


def request_email_change(user: User, *, new_email: str, password: str) -> str:
    """Send a confirmation link to the new address; the change waits for its click.

    Nothing changes yet, so a typo cannot lock anyone out; the current address is told,
    so a stolen session cannot move the account away quietly. Returns the new address.
    """
    ratelimit.hit("email_change", f"user:{user.pk}")  # before anything can be learnt
    if not check_own_password(user, password):
        raise ValidationError({"password": "Your password is not right."})
    new_email = User.objects.normalize_email(new_email.strip())
    if new_email.lower() == user.email.lower():
        raise ValidationError({"email": "That is already your address."})
    try:
        validate_new_email(new_email, exclude=user)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from None
    path = reverse("accounts:confirm_email_change", args=[make_email_change_token(user, new_email)])
    context = {
        "user": user,
        "new_email": new_email,
        "link": settings.SITE_URL + path,
        "site_name": settings.SITE_NAME,
        "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
    }
    queue_email(new_email, "accounts/email/change_confirm", context)
    queue_email(user.email, "accounts/email/change_notice", context)
    return new_email


@transaction.atomic
def confirm_email_change(token: str) -> User:
    """Apply a confirmed change; the new address counts as verified (the link proves it)."""
    user, new_email = read_email_change_token(token)
    try:
        validate_new_email(new_email, exclude=user)
    except ValidationError:
        raise ValidationError(
            "Another account took this address in the meantime; choose another."
        ) from None
    user.email = new_email
    user.email_verified_at = timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:
        raise ValidationError(
            "Another account took this address in the meantime; choose another."
        ) from None
    notify(user, "email_changed")
    return user


def password_was_changed(user: User) -> None:
    """After a reset or a change: revoke the API tokens and tell the member.

    Other browser sessions end by themselves (Django checks the password hash on each
    request); tokens would not, and a reset is how an account is taken back.
    """
    user.access_tokens.active().update(revoked_at=timezone.now())
    notify(user, "password_changed")


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    secret: str  # shown to the member once, never stored


@transaction.atomic
def create_access_token(user: User, name: str) -> NewToken:
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name, e.g. the script that will use it.")
    if len(name) > 80:
        raise ValidationError("Token names are at most 80 characters.")
    if any(not character.isprintable() for character in name):
        raise ValidationError("Token names cannot contain line breaks or control characters.")
    if not user.email_verified:
        raise ValidationError("Verify your email address before creating API tokens.")
    ratelimit.hit("token_create", f"user:{user.pk}")
    if user.access_tokens.active().count() >= 50:
        raise ValidationError("You have 50 active tokens; revoke one before creating another.")
    secret = AccessToken.new_secret()
    token = AccessToken.objects.create(
        user=user,
        name=name,
        digest=AccessToken.digest_of(secret),
        hint=secret[: len(AccessToken.PREFIX) + 4],
    )
    notify(user, "token_created", about=token)
    return NewToken(token=token, secret=secret)


def revoke_access_token(user: User, token_id: int) -> AccessToken:
    token = AccessToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(secret: str) -> User | None:
    """The active member a bearer token belongs to, or None. Two plain statements (the
    token, then its member, as a session's is read): every API request with a token asks,
    and the ORM's joined query took longer to build than to run."""
    if not secret.startswith(AccessToken.PREFIX) or len(secret) > 100:
        return None
    token = next(
        iter(AccessToken.objects.raw(_token_by_digest(), [AccessToken.digest_of(secret)])), None
    )
    if token is None:
        return None
    user = member_by_id(token.user_id)
    if user is None or not user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy script must not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


@cache  # the table and columns are fixed for the process: built once
def _token_by_digest() -> str:
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("id", "user_id", "last_used_at"))
    table = q(AccessToken._meta.db_table)
    return (
        f"SELECT {columns} FROM {table} "  # noqa: S608 - names from the model, values bound
        f"WHERE {q('digest')} = %s AND {q('revoked_at')} IS NULL"
    )


def _login_subjects(ip: str, login: str) -> dict[str, str]:
    """What one sign-in attempt counts against, by scope.

    Per address; per name typed from that address (the name as typed, so a lockout does
    not tell which email belongs to which username); and per account from everywhere,
    which caps guessing spread over many addresses.
    """
    login = login.strip()
    account = User.objects.with_login(login).values_list("pk", flat=True).first()
    return {
        "login_ip": ip,
        "login_account_ip": f"{login}|{ip}",
        "login_account": f"user:{account}" if account else f"name:{login}",
    }


def count_login_attempt(ip: str, login: str) -> None:
    """Count a sign-in attempt *before* its password is checked.

    Raises RateLimited when this address has been failing (too often overall, or at this
    account), and then the password is never checked: guesses sent in parallel are all
    counted, and none gets past the limit.

    The per-account limit (failures from everywhere) must not let a stranger lock the
    owner out, so it refuses only addresses that have already tried this account in the
    window: an address coming to it fresh, the owner's, still gets its one attempt, and a
    right password lets it in. A guesser spread over many addresses thus gets one guess
    per address per window once the account is under attack.
    """
    subjects = _login_subjects(ip, login)
    ratelimit.hit("login_ip", subjects["login_ip"])
    here = ratelimit.hit("login_account_ip", subjects["login_account_ip"])
    everywhere = ratelimit.hit("login_account", subjects["login_account"], enforce=False)
    if ratelimit.over_limit("login_account", everywhere) and here > 1:
        # Free again when this address's failures expire or the account's window ends.
        raise min(
            ratelimit.refusal("login_account_ip", subjects["login_account_ip"]),
            ratelimit.refusal("login_account", subjects["login_account"]),
            key=lambda error: error.retry_after,
        )


def forgive_login_attempt(ip: str, login: str) -> None:
    """The password was right: the attempt does not count against anyone."""
    for scope, subject in _login_subjects(ip, login).items():
        ratelimit.forgive(scope, subject)


def check_own_password(user: User, password: str) -> bool:
    """Check a signed-in member's password, at most RATE_PASSWORD_CHECK times an hour.

    Someone holding a stolen session or API token must not be able to guess the password
    (and from it take over the email address) at leisure.
    """
    ratelimit.hit("password_check", f"user:{user.pk}")
    if user.check_password(password):
        ratelimit.forgive("password_check", f"user:{user.pk}")
        return True
    return False
