"""Accounts: the people on Ensemble, what they can do, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from ensemble.accounts.lookalikes import skeleton
from ensemble.core.markdown import render_markdown

USERNAME_PATTERN = r"^[A-Za-z0-9_]{3,30}\Z"

# Names that would shadow a site path or impersonate the operator.
RESERVED_USERNAMES = frozenset(
    {
        "about",
        "accounts",
        "admin",
        "administrator",
        "api",
        "calls",
        "contact",
        "ensemble",
        "explore",
        "help",
        "home",
        "login",
        "logout",
        "media",
        "moderator",
        "notifications",
        "null",
        "projects",
        "records",
        "root",
        "search",
        "settings",
        "signup",
        "staff",
        "static",
        "support",
        "system",
        "undefined",
        "www",
    }
)


class Skill(models.TextChoices):
    """The creative skills members list on their profile (calls are matched to them later).

    A fixed vocabulary in code, in the order pages show it: nothing to seed in the
    database, nothing an operator's typo can split in two.
    """

    WRITING = "writing", "Writing"
    ILLUSTRATION = "illustration", "Illustration"
    ANIMATION = "animation", "Animation"
    MUSIC = "music", "Music"
    PERFORMANCE = "performance", "Performance"
    VOICE = "voice", "Voice"
    CAMERA = "camera", "Camera"
    PHOTOGRAPHY = "photography", "Photography"
    EDITING = "editing", "Editing"
    SOUND = "sound", "Sound"
    DESIGN = "design", "Design"
    PRODUCTION = "production", "Production"
    TRANSLATION = "translation", "Translation"


# `field__lower=…` compares LOWER(field), the expression the unique indexes below are
# built on, so these lookups use them (`__iexact` compiles to UPPER() or LIKE, which
# scans the whole table). Both sides are lowered by the database, like the constraint.
models.CharField.register_lookup(Lower)


class EnsembleUserManager(UserManager["User"]):
    def with_username(self, username: str) -> models.QuerySet[User]:
        return self.filter(username__lower=Lower(Value(username)))

    def with_email(self, email: str) -> models.QuerySet[User]:
        return self.filter(email__lower=Lower(Value(email)))

    def with_login(self, login: str) -> models.QuerySet[User]:
        """Sign-in names are a username or an email address."""
        return self.with_email(login) if "@" in login else self.with_username(login)

    def get_by_natural_key(self, username: str | None) -> User:
        # Sign-in is case-insensitive, like the uniqueness rule.
        return self.with_username(username or "").get()


class User(AbstractUser):
    """A member. Profile fields live here: one row per person, no join to show a name."""

    username = models.CharField(
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                USERNAME_PATTERN,
                "Use 3–30 letters, digits or underscores.",
                code="invalid_username",
            )
        ],
        help_text="3–30 letters, digits or underscores. Your page will be /@username.",
        error_messages={"unique": "This username is taken."},
    )
    email = models.EmailField("email address")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=5000, blank=True, help_text="Markdown.")
    # The bio rendered and sanitized when saved: rendering a long bio costs more than the
    # rest of the profile page (docs/benchmarks.md), and it is read far more than written.
    bio_html = models.TextField(blank=True, editable=False)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    links = models.JSONField(default=list, blank=True)
    # The TR39 skeletons of the display name and the username (accounts.lookalikes),
    # kept by save(). Indexed: a new name is refused when it looks like another member's,
    # which is one lookup on each of these columns.
    name_skeleton = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    username_skeleton = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    # Set by moderators (the moderation app). Suspended: reads, but writes nothing but an
    # appeal until then (`accounts.suspension`). Banned: signed out and kept out
    # (`is_active` off); the name stays on what they made, since credit is a fact.
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(max_length=2_000, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    # Whether this member blocks anyone (`Block`), kept by `accounts.blocks`: the pages
    # that hide what blocked people wrote ask the blocks only of those who do, with no
    # query for everyone else.
    blocks_someone = models.BooleanField(default=False)
    # The member asked for their account to be deleted (`accounts.deletion`): on this
    # date, unless they cancel, their personal data goes; `deletion_keeps_records` says
    # whether their records stay (credited to a former member) or become tombstones.
    deletion_due_at = models.DateTimeField(null=True, blank=True)
    deletion_keeps_records = models.BooleanField(default=True)
    erased_at = models.DateTimeField(null=True, blank=True)  # it was done

    objects = EnsembleUserManager()  # type: ignore[misc]  # django-stubs types it a ClassVar

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="accounts_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "bio" in update_fields:  # not on every login
            self.bio_html = render_markdown(self.bio)
            if update_fields is not None:
                kwargs["update_fields"] = update_fields = {*update_fields, "bio_html"}
        if update_fields is None or {"display_name", "username"} & set(update_fields):
            self.name_skeleton = skeleton(self.display_name)
            self.username_skeleton = skeleton(self.username)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "name_skeleton", "username_skeleton"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """What to call this person on a page."""
        return self.display_name or self.username

    @property
    def name_with_handle(self) -> str:
        """The name and the @username, for plain text (email subjects, notifications):
        display names need not be unique, usernames are."""
        if self.display_name and self.display_name != self.username:
            return f"{self.display_name} (@{self.username})"
        return f"@{self.username}"

    @property
    def credited_by_name(self) -> bool:
        """Whether lists of sources name this person: a member, or one banned (credit is a
        fact); an account closed or deleted is "a former member" (the credit roll's SQL
        says the same: `lineage.credits._NAMED`)."""
        return self.is_active or self.banned_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.username])

    def skill_list(self) -> list[Skill]:
        """The member's skills in the vocabulary's order (prefetch `skill_rows` for lists)."""
        mine = {row.skill for row in self.skill_rows.all()}
        return [skill for skill in Skill if skill.value in mine]

    def set_skills(self, skills: Iterable[str]) -> None:
        """Replace the member's skills with these (values of Skill)."""
        wanted = set(skills)
        self.skill_rows.exclude(skill__in=wanted).delete()
        MemberSkill.objects.bulk_create(
            [MemberSkill(user=self, skill=skill) for skill in sorted(wanted)],
            ignore_conflicts=True,
        )

    def link_items(self) -> list[dict[str, str]]:
        """Links with a short label (the host name) for showing on the profile."""
        return [
            {"url": url, "label": (urlsplit(url).hostname or url).removeprefix("www.")}
            for url in self.links
        ]


class MemberSkill(models.Model):
    """One skill a member lists: a row each, so members can be found by skill."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skill_rows")
    skill = models.CharField(max_length=20, choices=Skill.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="accounts_memberskill_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.skill}"


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def active(self) -> AccessTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class AccessToken(models.Model):
    """A personal access token for the API (`Authorization: Bearer ens_…`).

    Only a SHA-256 digest is stored: the token is shown once, at creation. A fast hash
    is right here because the token is 256 random bits, not a guessable password.
    """

    PREFIX = "ens_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    # The first characters, so people can tell their tokens apart in the list.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Block(models.Model):
    """A member (`blocker`) keeps another (`blocked`) away: the blocked one can no longer
    comment on, heart, follow, mention or enter the calls of the blocker, and the blocker
    sees nothing they write. Private: the blocked one is never told. Credits do not
    change: credit is a fact, not a favour (`accounts.blocks`)."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="accounts_block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="accounts_block_not_self"
            ),
        ]
        indexes = [
            # Who blocked this member: asked before they act towards someone.
            models.Index(fields=["blocked", "blocker"], name="accounts_block_received"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class DataExport(models.Model):
    """A copy of everything a member put in, as JSON plus their files, built by the
    worker (`accounts.exports`) and kept for EXPORT_DAYS days for them alone."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        BUILDING = "building", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="exports")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while building
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    size = models.BigIntegerField(default=0)
    file_name = models.CharField(max_length=80, blank=True)  # in the exports area
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # One being made at a time per member: asking again waits for it.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state__in=["queued", "building"]),
                name="accounts_one_export_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id} ({self.state})"

    @property
    def downloadable(self) -> bool:
        return (
            self.state == self.State.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
