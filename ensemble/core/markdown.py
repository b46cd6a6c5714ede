"""Markdown for everything people write (bios now; descriptions, comments, texts later).

CommonMark via markdown-it-py with raw HTML disabled, then sanitized by nh3 (an
allow-list HTML cleaner) as a second wall: whatever the parser lets through, only
harmless tags and http(s)/mailto links reach the page.
"""

import html
import re

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_parser.enable(["strikethrough", "table"])

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# Headings of user text start at h2: the page's own title is the only h1.
_HEADING_SHIFT = {"<h1>": "<h2>", "</h1>": "</h2>"}


def render_markdown(text: str) -> SafeString:
    html = _parser.render(text or "")
    for old, new in _HEADING_SHIFT.items():
        html = html.replace(old, new)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3 just above


def markdown_words(text: str) -> str:
    """What Markdown says, without its marks: for search documents and their snippets,
    which would otherwise show `**` and `[…](…)` to the person searching."""
    return html.unescape(strip_tags(render_markdown(text)))


# The marks that start inline Markdown anywhere in a sentence (emphasis, code, links,
# images, autolinks, raw HTML, strikethrough, entities) and the backslash itself. Block
# marks (`#`, `-`, `1.`) only count at a line's start, where a quoted title never stands,
# so titles keep their commas and dashes readable in the API's Markdown `text`.
_INLINE_MARKS = re.compile(r"([\\`*_\[\]<>~&])")


def escape_markdown(text: str) -> str:
    """`text` as literal words inside Markdown: a title or a name quoted in a sentence
    that is rendered as Markdown (a notification) shows exactly as its owner typed it."""
    return _INLINE_MARKS.sub(r"\\\1", text)
