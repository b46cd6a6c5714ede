"""Media URLs that cannot be guessed and do not last: signed, expiring tokens.

A token names a version, a role ("original" or a rendition role) and whether to offer
the file as a download, and expires. Public records get tokens that stay the same for a
whole day, so browsers and proxies can cache them; drafts get tokens that change every
hour, and the media view also checks the requester may see the draft, so a leaked link
shows nothing to anyone else.

Signed, not encrypted: anyone can read a token, so it names the version by its random
folder, never by its number (close to its record's, which would lead a blind reviewer
to the author). The folder is no key to the files: they are served only through the
media view, which checks who asks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import get_script_prefix, reverse
from django.utils.text import slugify

from ensemble.records.models import Version

_SALT = "ensemble.records.media"
DAY = 24 * 60 * 60
HOUR = 60 * 60


@dataclass(frozen=True)
class MediaToken:
    version: str | int  # the folder; a number in tokens signed before (they expire)
    role: str
    attachment: bool


def _expiry(public: bool, now: float) -> int:
    step = DAY if public else HOUR
    return (int(now) // step + 2) * step  # at least one full step from now


def media_url(
    version: Version, role: str, *, public: bool, attachment: bool = False, name: str = ""
) -> str:
    return _signed_url(
        version.folder,
        role,
        attachment,
        _expiry(public, time.time()),
        name,
        get_script_prefix(),
        settings.SECRET_KEY,
    )


@lru_cache(maxsize=8192)
def _signed_url(
    folder: str, role: str, attachment: bool, expires: int, name: str, prefix: str, key: str
) -> str:
    """Signing and reversing cost ~0.15 ms a link, and a list page shows 80 of them
    (docs/benchmarks.md): the same link is made once per process until its expiry
    step changes. Every argument the URL depends on is in the key (the prefix and the
    secret key too, which tests override); the token it holds is valid until `expires`
    whenever it was signed, so a remembered one is as good as a new one."""
    del prefix, key  # parts of the cache key only: reverse() and signing read them
    token = signing.dumps([folder, role, int(attachment), expires], salt=_SALT, compress=True)
    stem, dot, ext = (name or role).rpartition(".")
    pretty = slugify(stem or ext)[:60] or role
    pretty += f".{slugify(ext)[:10]}" if dot and stem else ""
    return reverse("records:media", args=[token, pretty])


def read_token(token: str) -> MediaToken:
    """The token's content, or 404 for a forged, damaged or expired one."""
    try:
        version, role, attachment, expires = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    if not isinstance(expires, int) or expires < time.time():
        raise Http404
    if not isinstance(version, str | int) or isinstance(version, bool):
        raise Http404
    return MediaToken(version, str(role), bool(attachment))
