"""Showing a person where they act: `{% person user %}` and `{{ user|with_handle }}`.

Display names need not be unique and can imitate one another, so wherever a member acts
(comments, decisions, revisions, credits) the page shows the @username beside the name:
that part no one else can have. Works for a User and for anything with `username` and
`name`, attributes or keys (a release's frozen credit roll holds dicts); an empty
username is a former member, shown unlinked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _username_and_name(who: Any) -> tuple[str, str]:
    if isinstance(who, Mapping):
        username, name = who.get("username") or "", who.get("name") or ""
    else:
        username, name = getattr(who, "username", ""), getattr(who, "name", "")
    return username, name or username


def _profile(username: str) -> str:
    return reverse("accounts:profile", args=[username])


@register.simple_tag
def person(who: Any, link: bool = True) -> SafeString | str:
    """ "Display Name @username", the name linking to the profile; "@username" alone
    when the member has no display name of their own."""
    if who is None:
        return ""
    username, name = _username_and_name(who)
    if not username:
        return format_html("{}", name)
    if name == username:
        if link:
            return format_html('<a href="{}">@{}</a>', _profile(username), username)
        return format_html("@{}", username)
    if link:
        return format_html(
            '<a href="{}">{}</a> <span class="person__handle muted">@{}</span>',
            _profile(username),
            name,
            username,
        )
    return format_html('{} <span class="person__handle muted">@{}</span>', name, username)


@register.filter
def with_handle(who: Any) -> str:
    """Plain text ("Display Name (@username)"), for attributes and <title>s."""
    if who is None:
        return ""
    username, name = _username_and_name(who)
    if not username:
        return str(name)
    return f"@{username}" if name == username else f"{name} (@{username})"
