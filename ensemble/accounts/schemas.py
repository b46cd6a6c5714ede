from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from ensemble.accounts.models import User


class SignupIn(Schema):
    username: str = Field(max_length=30)
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)


class TokenIn(Schema):
    username: str = Field(max_length=254, description="Username or email address.")
    password: str = Field(max_length=4096)
    name: str = Field("API", max_length=80, description="What the token is for.")


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
        return [SkillOut(slug=s.slug, name=s.name) for s in user.skills.all()]

    @staticmethod
    def resolve_links(user: User) -> list[LinkOut]:
        return [LinkOut(**item) for item in user.link_items()]

    @staticmethod
    def resolve_profile_url(user: User) -> str:
        return user.get_absolute_url()


class MeOut(UserOut):
    email: str
    email_verified: bool


class MePatch(Schema):
    display_name: str | None = Field(None, max_length=80)
    bio: str | None = Field(None, max_length=5000)
    skills: list[str] | None = Field(None, description="Skill slugs; replaces the list.")
    links: list[str] | None = Field(None, description="Up to 5 http(s) URLs; replaces the list.")
