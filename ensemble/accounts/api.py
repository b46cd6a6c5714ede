"""Accounts API: sign up, get a token, read and edit yourself, read others, block."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from ensemble.accounts import blocks, deletion, exports, indexing, services
from ensemble.accounts.forms import EmailChangeForm, ProfileForm, SignUpForm
from ensemble.accounts.http import member
from ensemble.accounts.models import Block, DataExport, Skill, User
from ensemble.accounts.schemas import (
    EmailChangeIn,
    MeOut,
    MePatch,
    PendingOut,
    SignupIn,
    TokenIn,
    TokenOut,
    UserOut,
)
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS, ApiError
from ensemble.core.ids import Id
from ensemble.core.json_in import JsonIn

router = Router(tags=["accounts"])


def _form_errors(form: Any) -> ValidationError:
    return ValidationError({field: list(errors) for field, errors in form.errors.items()})


@router.post("/auth/signup", auth=None, response={202: PendingOut, **ERRORS})
def signup(request: HttpRequest, payload: SignupIn) -> Status[dict[str, str]]:
    """Create an account; a link to verify the address is emailed to it.

    The answer is the same whether or not the address already has an account (its owner
    is emailed instead), so sign-up never tells whose address is registered. A taken
    username is still refused: usernames are public.
    """
    services.throttle_signup(ratelimit.client_address(request), payload.username, payload.email)
    form = SignUpForm(data=payload.dict())
    if not form.is_valid():
        raise _form_errors(form)
    services.sign_up(**form.cleaned_data)
    email = form.cleaned_data["email"]
    return Status(
        202, {"detail": f"We sent a message to {email}: open the link in it to continue."}
    )


@router.post(
    "/auth/tokens",
    auth=None,
    response={201: TokenOut, **ERRORS},
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """Exchange a username (or email) and password for a personal access token."""
    ratelimit.limit_write(request, "token")
    from django.contrib.auth import authenticate

    ip = ratelimit.client_address(request)
    services.count_login_attempt(ip, payload.username)
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise ApiError(401, "Wrong username or password.", "bad_credentials")
    services.forgive_login_attempt(ip, payload.username)
    assert isinstance(user, User)
    created = services.create_access_token(user, payload.name)
    return Status(
        201,
        {
            "token": created.secret,
            "name": created.token.name,
            "created_at": created.token.created_at,
        },
    )


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> User:
    """The account the request is authenticated as."""
    return member(request)


@router.patch("/me", response={200: MeOut, **ERRORS})
def update_me(request: HttpRequest, payload: MePatch) -> User:
    """Change your profile; fields you leave out stay as they are."""
    user = member(request)
    changes = payload.dict(exclude_unset=True)
    data = {
        "display_name": changes.get("display_name", user.display_name),
        "bio": changes.get("bio", user.bio),
        "links_text": "\n".join(changes.get("links", user.links)),
    }
    if "skills" not in changes:
        data["skills"] = [skill.value for skill in user.skill_list()]
    else:
        unknown = sorted(set(changes["skills"]) - set(Skill.values))
        if unknown:
            raise ValidationError({"skills": [f"Unknown skill: {', '.join(unknown)}."]})
        data["skills"] = changes["skills"]
    form = ProfileForm(data=data, instance=user)
    if not form.is_valid():
        raise _form_errors(form)
    with transaction.atomic():
        form.save()
        indexing.reindex(user)
    return user


@router.post("/me/email", response={202: PendingOut, **ERRORS})
def change_email(request: HttpRequest, payload: EmailChangeIn) -> Status[dict[str, str]]:
    """Ask to change your email address. It changes when the link sent to it is opened."""
    form = EmailChangeForm(data=payload.dict())
    if not form.is_valid():
        raise _form_errors(form)
    user = member(request)
    new_email = services.request_email_change(
        user, new_email=form.cleaned_data["email"], password=form.cleaned_data["password"]
    )
    return Status(202, {"detail": f"We sent a confirmation link to {new_email}."})


@router.get("/users/{username}", auth=None, response={200: UserOut, **ERRORS})
def user_detail(request: HttpRequest, username: str) -> User:
    """A member's public profile."""
    return get_object_or_404(
        User.objects.with_username(username).prefetch_related("skill_rows"), is_active=True
    )


class BlockOut(Schema):
    blocking: bool


def _member_named(username: str) -> User:
    person = User.objects.with_username(username).filter(is_active=True).first()
    if person is None:
        raise ApiError(404, f"There is no member called @{username}.", "not_found")
    return person


@router.post("/users/{username}/block", response={200: BlockOut, **ERRORS})
def block(request: HttpRequest, username: str) -> dict[str, bool]:
    """Block a member: they cannot comment on, heart, follow, mention or enter the calls
    of yours, and you do not see their comments. Private: they are not told."""
    ratelimit.limit_write(request, "block")
    blocks.block(member(request), _member_named(username))
    return {"blocking": True}


@router.delete("/users/{username}/block", response={200: BlockOut, **ERRORS})
def unblock(request: HttpRequest, username: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "block")
    blocks.unblock(member(request), _member_named(username))
    return {"blocking": False}


@router.get("/me/blocks", response={200: list[str], **ERRORS})
def my_blocks(request: HttpRequest) -> list[str]:
    """The usernames of the members you block, newest first (at most 500)."""
    rows = Block.objects.filter(blocker=member(request)).order_by("-id")
    return list(rows.values_list("blocked__username", flat=True)[:500])


class ExportOut(Schema):
    id: int
    state: str  # queued, building, ready, failed
    progress: int  # percent
    created_at: datetime
    expires_at: datetime | None
    size: int
    download: str | None  # while it is kept


def _export_out(export: DataExport) -> dict[str, Any]:
    return {
        "id": export.pk,
        "state": export.state,
        "progress": export.progress,
        "created_at": export.created_at,
        "expires_at": export.expires_at,
        "size": export.size,
        "download": (f"/api/v1/me/exports/{export.pk}/download" if export.downloadable else None),
    }


@router.post("/me/exports", response={202: ExportOut, **ERRORS})
def start_export(request: HttpRequest) -> Status:
    """A copy of everything you put in, made in the background (409 `export_running`
    while one is); poll `GET /me/exports` for its progress."""
    return Status(202, _export_out(exports.request(member(request))))


@router.get("/me/exports", response={200: list[ExportOut], **ERRORS})
def my_exports(request: HttpRequest) -> list[dict[str, Any]]:
    return [_export_out(e) for e in DataExport.objects.filter(user=member(request))[:10]]


@router.get("/me/exports/{export_id}/download", response={200: None, 302: None, **ERRORS})
def download_export(request: HttpRequest, export_id: Id) -> HttpResponseBase:
    """The zip, while it is kept (404 before it is ready and after it expires); where
    files are kept in object storage, a redirect (302) to a short-lived link to it."""
    export = DataExport.objects.filter(pk=export_id, user=member(request)).first()
    answer = exports.download(export) if export is not None else None
    if answer is None:
        raise ApiError(404, "This export is not ready, or no longer kept.", "not_found")
    return answer


class DeletionIn(JsonIn):
    password: str
    keep_records: bool = True  # false: your records become tombstones
    give_up_money: bool = False  # needed when money is owed to you


class DeletionOut(Schema):
    due_at: datetime | None  # when it will be done; null: not asked for
    keep_records: bool
    owed: list[str]  # money owed to you, which a deleted account cannot be paid


def _deletion_out(user: User) -> dict[str, Any]:
    return {
        "due_at": user.deletion_due_at,
        "keep_records": user.deletion_keeps_records,
        "owed": deletion.owed_to(user),
    }


@router.get("/me/deletion", response={200: DeletionOut, **ERRORS})
def deletion_state(request: HttpRequest) -> dict[str, Any]:
    return _deletion_out(member(request))


@router.post("/me/deletion", response={202: DeletionOut, **ERRORS})
def request_deletion(request: HttpRequest, body: DeletionIn) -> Status:
    """Delete your account after ACCOUNT_DELETION_DAYS, with your password (422
    `wrong_password`; 409 `scheduled`; 422 `money_owed` unless `give_up_money`)."""
    user = member(request)
    deletion.request(
        user,
        password=body.password,
        keep_records=body.keep_records,
        give_up_money=body.give_up_money,
    )
    return Status(202, _deletion_out(user))


@router.delete("/me/deletion", response={200: DeletionOut, **ERRORS})
def cancel_deletion(request: HttpRequest) -> dict[str, Any]:
    user = member(request)
    deletion.cancel(user)
    return _deletion_out(user)
