"""Parts of members' pages that every member sees alike, rendered once and kept.

Visitors' whole pages come from the page cache (core.pagecache); a member's page cannot,
since it carries their name, their forms and what they alone may see. Most of it does
not, though: a comment thread, a gallery of entries. Such a part is rendered once for a
stand-in, "a member, nobody in particular" (`ANY_MEMBER`: signed in, no id, no name, no
rights), and kept under the `pages` generation, so a write to what it shows renews it,
as for visitors' pages. Two things make it safe by construction:

- It is rendered without the request and with the stand-in as `user`: nothing of the
  member asking can get into it. The only per-member value it may hold is the CSRF
  token of its forms, rendered as a placeholder (a keyed hash: no member can write it
  into content) and filled in for each request.
- The rendering names the members for whom it is not right (`Shared.not_for`: the
  authors of the comments it shows, who get "edit or delete" on theirs); they, and any
  viewer the caller says may see more (`personal=True`), get theirs rendered for them
  and kept under a key that names them, served to nobody else. A fragment may only read
  tables the `pages` generation watches (core.pagecache: not notifications, sessions,
  tokens or storage counters), so that a write renews each kept copy, shared or own.
- What differs for every member inside a kept part (their heart, their lists) is a hole:
  `{% hole "heart" %}` (`{% load holes %}`) marks its place, and the caller gives
  `holes={"heart": lambda: …}`, filled in for each request like the token.

FRAGMENT_CACHE_SECONDS (default 300; 0 turns it off, as the tests do unless they test
it) bounds what changes with time alone. Visitors get fragments too, rendered for
`AnonymousUser`, for pages the page cache cannot keep.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ensemble.core.pagecache import pages_generation


class AnyMember:
    """Who a shared fragment is rendered for: signed in, and nobody in particular.
    Whatever else a template asks of it (a name, an id, a right) is missing, so it
    renders as nothing."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None


ANY_MEMBER = AnyMember()


@dataclass(frozen=True)
class Shared:
    html: str
    not_for: frozenset[int] = frozenset()  # members who must get theirs rendered afresh


class _Placeholder:
    @cached_property
    def value(self) -> str:
        # Keyed by SECRET_KEY: the same in every process (a shared cache), and no
        # member can know it to plant it in a comment and have a token filled in there.
        keyed = salted_hmac("ensemble.core.fragments", "csrf", algorithm="sha256")
        return "csrf-" + keyed.hexdigest()[:32]

    @cached_property
    def holes(self) -> re.Pattern[str]:
        """The marks of holes (`hole`): ours alone, with the keyed value."""
        return re.compile(r"<!--hole:([a-z-]+):" + re.escape(self.value) + "-->")


CSRF = _Placeholder()


def hole(name: str) -> str:
    """The mark of a hole named `name` (`{% hole %}`), keyed like the token."""
    return f"<!--hole:{name}:{CSRF.value}-->"


def context_for(viewer: Any) -> dict[str, Any]:
    """The template context a fragment is rendered with: the viewer (the stand-in, or
    the member who gets theirs) and the CSRF placeholder, filled in by `shared`."""
    return {"user": viewer, "csrf_token": CSRF.value}


def shared(
    request: HttpRequest,
    name: str,
    *keys: object,
    render: Callable[[Any], Shared],
    personal: bool = False,
    holes: Mapping[str, Callable[[], str]] | None = None,
    hidden: frozenset[int] = frozenset(),
) -> SafeString:
    """The fragment `name` for `keys`, as `request`'s viewer sees it. `render(viewer)`
    makes it for a viewer (`ANY_MEMBER`, `AnonymousUser()` or the member asking), with
    `context_for(viewer)` as its template context; `personal`: this viewer may see more
    than any member (a leader, an owner), so theirs is rendered for them and kept for
    them alone (`_own`), as is the copy of a member the shared one is not right for; `holes`,
    what fills each `{% hole %}` for this request; `hidden`, members this viewer is not
    to be shown (those they block): a fragment naming any of them in its `not_for` is
    rendered for this viewer, who can then leave them out."""
    user = request.user
    member = user.is_authenticated
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if not seconds:
        return _filled(render(user).html, request, holes)
    if personal:
        return _filled(_own(request, name, keys, render).html, request, holes)
    key = _key(request, name, keys, "member" if member else "visitor")
    made: Shared | None = cache.get(key)
    if made is None:
        made = render(ANY_MEMBER if member else AnonymousUser())
        cache.set(key, made, seconds)
    if member and (user.pk in made.not_for or hidden & made.not_for):
        made = _own(request, name, keys, render)
    return _filled(made.html, request, holes)


def _own(
    request: HttpRequest, name: str, keys: tuple[object, ...], render: Callable[[Any], Shared]
) -> Shared:
    """The fragment as rendered for the member asking, kept for them alone
    (`kept_for_member`). What it shows of theirs (drafts, their blocks, their rights)
    lives in tables the `pages` generation watches, so a write to it renews this copy
    as it renews the shared one."""
    return kept_for_member(request, name, *keys, compute=lambda: render(request.user))


def kept_for_member[T](
    request: HttpRequest, name: str, *keys: object, compute: Callable[[], T]
) -> T:
    """What `compute()` gives for the member asking (a page of their feed, their own
    fragment), kept for them alone: the key names them, so no one else is ever served
    it, and holds the `pages` generation, so `compute` must read only tables that
    generation watches. Computed every time when fragments are off, and for visitors."""
    user = request.user
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if not seconds or not user.is_authenticated:
        return compute()
    key = _key(request, name, keys, f"member-{user.pk}")
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(key, found, seconds)
    return found


_MISSING = object()


def _key(request: HttpRequest, name: str, keys: tuple[object, ...], who: str) -> str:
    generation = pages_generation(request)  # once per request, however many fragments
    parts = ":".join(str(k) for k in keys)
    if not _PLAIN.fullmatch(parts):  # a cursor someone sent: any length, any character
        parts = hashlib.sha256(parts.encode()).hexdigest()
    return f"fragment:{generation}:{get_language()}:{who}:{name}:{parts}"


_PLAIN = re.compile(r"[\w:.-]{0,100}", re.ASCII)


def _filled(
    html: str, request: HttpRequest, holes: Mapping[str, Callable[[], str]] | None
) -> SafeString:
    """The kept HTML with this request's token and holes filled in. Split at the holes
    first, so what fills a hole (rendered for this member) is never read again."""
    pieces = CSRF.holes.split(html) if "<!--hole:" in html else [html]
    texts, names = pieces[::2], pieces[1::2]
    # Only a form that is there makes a token: a visitor's page without one stays one
    # the page cache keeps.
    token = get_token(request) if any(CSRF.value in t for t in texts) else ""
    filled = [texts[0].replace(CSRF.value, token)]
    for name, text in zip(names, texts[1:], strict=True):
        filled += [_hole_filled(name, holes), text.replace(CSRF.value, token)]
    return mark_safe("".join(filled))  # noqa: S308 - rendered by our templates, which escape


def _hole_filled(name: str, holes: Mapping[str, Callable[[], str]] | None) -> str:
    if holes is None or name not in holes:
        raise ImproperlyConfigured(f"Nothing fills the hole {name!r} of a shared fragment.")
    return str(holes[name]())
