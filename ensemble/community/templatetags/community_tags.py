"""Buttons and threads other apps' pages show: `{% heart_button record %}`,
`{% follow_button person=member %}` or `project=…`, `{% comments_for target %}`; and the
same as functions of the request, for the pages that fill them into kept parts (front)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from ensemble.accounts import blocks
from ensemble.community.models import RecordList
from ensemble.community.services import comments, follows, hearts
from ensemble.core import fragments
from ensemble.core.params import whole

register = template.Library()


def _render(name: str, context: dict[str, Any], request: Any) -> SafeString:
    """These parts use the viewer, the request and the CSRF token alone: given those,
    not the context processors, which the page has run already (once per part was a
    third of a record page's parts for a member). The token is made only where a form
    uses it: a visitor's part without one leaves the page one the page cache keeps."""
    given = {"request": request, "user": request.user, **csrf(request)}  # a lazy token
    return mark_safe(render_to_string(name, {**given, **context}))  # noqa: S308 - escaped there


@register.simple_tag(takes_context=True)
def heart_button(context: template.Context, record: Any) -> SafeString:
    return heart_html(context["request"], record)


def heart_html(request: HttpRequest, record: Any) -> SafeString:
    hearted = record.pk in hearts.has_hearted(request.user, [record.pk])
    return _render("community/_heart.html", {"record": record, "hearted": hearted}, request)


@register.simple_tag(takes_context=True)
def follow_button(context: template.Context, person: Any = None, project: Any = None) -> SafeString:
    return follow_html(context["request"], person=person, project=project)


def follow_html(request: HttpRequest, *, person: Any = None, project: Any = None) -> SafeString:
    """Follow or unfollow a person or a project; nothing on your own profile."""
    user = request.user
    if person is not None and getattr(user, "pk", None) == person.pk:
        return SafeString("")
    on = follows.follows(user, person=person, project=project)
    return _render(
        "community/_follow.html", {"person": person, "project": project, "following": on}, request
    )


def thread_html(request: HttpRequest, target: Any, before: int | None) -> SafeString:
    """One page of `target`'s thread, the newest comments or those before `before`, as
    the viewer sees it: a fragment rendered once for every member (and once for every
    visitor), its authors excepted, who get "edit or delete" on theirs (core.fragments)."""
    kind = type(target).__name__.lower()
    hidden = blocks.blocked_by(request.user)  # their comments are not shown to this member

    def render(viewer: Any) -> fragments.Shared:
        top, older = comments.thread_page(target, before=before)
        shown = {"thread": top, "older": older, "before": before, "target": target, "kind": kind}
        if viewer.pk is not None and viewer.pk == request.user.pk:
            shown["hidden"] = hidden
        html = render_to_string(
            "community/_thread.html", {**fragments.context_for(viewer), **shown}
        )
        authors = {c.author_id for c in top} | {a.author_id for c in top for a in c.answers}  # type: ignore[attr-defined]
        return fragments.Shared(html, frozenset(authors))

    return fragments.shared(
        request, "thread", kind, target.pk, before or "", render=render, hidden=hidden
    )


@register.simple_tag(takes_context=True)
def comments_for(context: template.Context, target: Any) -> SafeString:
    return comments_html(context["request"], target)


def comments_html(request: HttpRequest, target: Any) -> SafeString:
    """`target`'s comments section: the page of its thread `?comments_before=` asks for,
    and the form to add one (or a way to sign in)."""
    before = whole(request.GET.get("comments_before"))
    shown = {
        "thread_html": thread_html(request, target, before),
        "before": before,
        "target": target,
        "kind": type(target).__name__.lower(),
    }
    return _render("community/_comments.html", shown, request)


@register.simple_tag(takes_context=True)
def add_to_list(context: template.Context, record: Any) -> SafeString:
    return add_to_list_html(context["request"], record)


def add_to_list_html(request: HttpRequest, record: Any) -> SafeString:
    if not request.user.is_authenticated or not record.is_public:
        return SafeString("")
    owner = request.user
    # The member's lists, kept for them (the same on every record page they open).
    mine = fragments.kept_for_member(
        request,
        "lists",
        compute=lambda: list(RecordList.objects.filter(owner=owner).values("pk", "title")[:50]),
    )
    return _render("community/_add_to_list.html", {"record": record, "lists": mine}, request)
