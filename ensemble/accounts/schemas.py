from __future__ import annotations

import re
from datetime import datetime

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from ensemble.accounts.models import USERNAME_PATTERN, User
from ensemble.core.json_in import JsonIn


class SignupIn(JsonIn):
    username: str = Field(max_length=30, description="3–30 letters, digits or underscores.")
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)

    @field_validator("username")
    @classmethod
    def _whole_username_matches(cls, value: str) -> str:
        # fullmatch: the pattern's `$` alone also matches before a trailing newline.
        if not re.fullmatch(USERNAME_PATTERN, value):
            raise PydanticCustomError(
                "invalid_username", "Use 3–30 letters, digits or underscores."
            )
        return value


class TokenIn(JsonIn):
    username: str = Field(max_length=254, description="Username or email address.")
    password: str = Field(max_length=4096)
    name: str = Field("API", max_length=80, description="What the token is for; one line.")

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        # The name goes into a notification email's subject, where a newline is refused.
        if not value.isprintable():
            raise PydanticCustomError(
                "one_line", "Use one line of text, without control characters."
            )
        return value


class TokenOut(Schema):
    token: str = Field(description="Shown once: store it now.")
    name: str
    created_at: datetime


class SkillOut(Schema):
    slug: str
    name: str


class LinkOut(Schema):
    url: str
    label: str


class UserOut(Schema):
    username: str
    display_name: str
    bio: str
    avatar_url: str | None
    skills: list[SkillOut]
    links: list[LinkOut]
    profile_url: str
    date_joined: datetime

    @staticmethod
    def resolve_avatar_url(user: User) -> str | None:
        return user.avatar.url if user.avatar else None

    @staticmethod
    def resolve_skills(user: User) -> list[SkillOut]:
        return [SkillOut(slug=skill.value, name=skill.label) for skill in user.skill_list()]

    @staticmethod
    def resolve_links(user: User) -> list[LinkOut]:
        return [LinkOut(**item) for item in user.link_items()]

    @staticmethod
    def resolve_profile_url(user: User) -> str:
        return user.get_absolute_url()


class MeOut(UserOut):
    email: str
    email_verified: bool


class MePatch(JsonIn):
    """Send only what changes. `null` is refused: clear with `""` or `[]`."""

    # The defaults are never applied: the endpoint reads only the fields that were sent.
    display_name: str = Field("", max_length=80)
    bio: str = Field("", max_length=5000, description="Markdown.")
    skills: list[str] = Field(
        default_factory=list, max_length=50, description="Skill slugs; replaces the list."
    )
    links: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Up to 5 http(s) URLs; replaces the list.",
    )


class EmailChangeIn(JsonIn):
    email: str = Field(max_length=254, description="The new address; a link is sent there.")
    password: str = Field(max_length=4096, description="Your current password.")


class PendingOut(Schema):
    detail: str
