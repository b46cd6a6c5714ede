"""What the tests of shared fragments (core/fragments.py) and whole members' pages
(core/memberpages.py) have in common: committing as the site commits, asking for a page
as a member or a visitor in a browser of their own, and the check that a page is the
same with and without what is kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ensemble.core.testing import run_on_commit_callbacks

# A page's CSRF tokens: masked afresh for every form, so compared as one placeholder.
TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def committed[T](change: Callable[[], T]) -> T:
    """`change` as its own committed transaction: what came before it is committed first,
    and both commits run their on-commit work (the generation's renewal) and forget it."""
    run_on_commit_callbacks()
    done = change()
    run_on_commit_callbacks()
    return done


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# One browser per member (or visitor) for the test, keeping its cookies as a browser
# does, so the second visit of a page can be served whole (core/memberpages.py).
# Emptied by the `fragments_on` fixture.
BROWSERS: dict[Any, Client] = {}


def get(user: Any, path: str) -> Any:
    key = None if user is None else user.pk
    if key not in BROWSERS:
        BROWSERS[key] = _client(user)
    return BROWSERS[key].get(path)


def same_page(user: Any, path: str, settings: Any) -> None:
    """The page `user` gets with what is kept now is the one rendered without fragments,
    but for the tokens' masks."""
    kept = get(user, path)
    settings.FRAGMENT_CACHE_SECONDS = settings.MEMBER_PAGE_SECONDS = 0
    rendered = get(user, path)
    settings.FRAGMENT_CACHE_SECONDS = settings.MEMBER_PAGE_SECONDS = 300
    assert kept.status_code == rendered.status_code == 200
    assert TOKEN.sub(rb"\1T", kept.content) == TOKEN.sub(rb"\1T", rendered.content)


def statements(user: Any, path: str) -> int:
    """How many SQL statements asking for `path` costs `user` now."""
    client = _client(user)
    with CaptureQueriesContext(connection) as done:
        assert client.get(path).status_code == 200
    return len(done)
