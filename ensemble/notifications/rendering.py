"""A notification's sentence, shown: safe HTML for pages, the API and email, plain text
for subjects and text email.

A kind's `describe` returns Markdown, because some quote what members wrote in Markdown
(a project update's post, a leader's note). It goes through the one renderer every page
uses (`core.markdown`: raw HTML off, then an allow-list cleaner), then down to inline
emphasis: a notification is shown inside the link to what it is about, and a link inside
a link is invalid HTML, so links, lists and headings keep only their words. Long texts are
cut after rendering, never before, so a cut never leaves half a `**` or `[link](` showing.
"""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from ensemble.core.markdown import render_markdown

INLINE_TAGS = {"strong", "em", "del", "code"}
LONGEST = 300  # characters of text shown; the notification links to the whole thing
# Only the start of a long text is rendered (a project update may be 10,000 characters,
# and a page lists 30): ten times what is shown, so that Markdown's marks and links can
# never use up the part the reader sees.
SOURCE_READ = 10 * LONGEST


def _inline(text: str) -> str:
    """Rendered, cleaned down to inline tags, on one line."""
    rendered = nh3.clean(str(render_markdown(text[:SOURCE_READ])), tags=INLINE_TAGS, attributes={})
    return " ".join(rendered.split())


def as_html(text: str) -> SafeString:
    return mark_safe(_shown(text))  # noqa: S308 - cleaned by nh3 in `_shown`


@lru_cache(maxsize=2048)
def _shown(text: str) -> str:
    """A pure function of the text, and rendering Markdown was a third of a page of 30
    notifications (~0.4 ms each): the same sentences come back page after page."""
    short = Truncator(_inline(text)).chars(LONGEST, html=True)
    # Cleaned again after the cut: the truncator closes the tags it opened, and this
    # makes sure nothing else could come out of it.
    return nh3.clean(short, tags=INLINE_TAGS, attributes={})


def as_plain(text: str) -> str:
    """The words without Markdown's marks or HTML's escapes, for text email and subjects."""
    return Truncator(html.unescape(strip_tags(_inline(text)))).chars(LONGEST)
