"""Following people and projects, and who follows whom."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema

from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.community.api.base import person_named, project_for, router
from ensemble.community.services import follows
from ensemble.core import ratelimit
from ensemble.core.api import ERRORS_OR_GONE as ERRORS
from ensemble.projects.models import Project, visible_to_everyone


class FollowOut(Schema):
    following: bool


@router.post("/users/{username}/follow", response={200: FollowOut, **ERRORS})
def follow_person(request: HttpRequest, username: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.follow_person(member(request), person_named(username))
    return {"following": True}


@router.delete("/users/{username}/follow", response={200: FollowOut, **ERRORS})
def unfollow_person(request: HttpRequest, username: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.unfollow(member(request), person=person_named(username))
    return {"following": False}


@router.post("/projects/{slug}/follow", response={200: FollowOut, **ERRORS})
def follow_project(request: HttpRequest, slug: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.follow_project(member(request), project_for(request, slug))
    return {"following": True}


@router.delete("/projects/{slug}/follow", response={200: FollowOut, **ERRORS})
def unfollow_project(request: HttpRequest, slug: str) -> dict[str, bool]:
    ratelimit.limit_write(request, "follow")
    follows.unfollow(member(request), project=project_for(request, slug))
    return {"following": False}


@router.get("/users/{username}/followers", response={200: list[str], **ERRORS}, auth=None)
def followers(request: HttpRequest, username: str) -> list[str]:
    person = person_named(username)
    return list(
        User.objects.filter(following__person=person, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)[:1000]
    )


@router.get(
    "/users/{username}/following", response={200: dict[str, list[str]], **ERRORS}, auth=None
)
def following(request: HttpRequest, username: str) -> dict[str, list[str]]:
    person = person_named(username)
    people = User.objects.filter(followers__follower=person, is_active=True).order_by("username")
    # Drafts (and hidden projects) are private: who follows them is not for everyone.
    shown = Project.objects.filter(followers__follower=person).filter(visible_to_everyone())
    return {
        "people": list(people.values_list("username", flat=True)[:1000]),
        "projects": list(shown.order_by("slug").values_list("slug", flat=True)[:1000]),
    }
