"""Text records: the file is the writing itself, rendered as Markdown to sanitized HTML.

Only the rendered HTML is ever shown (raw HTML in the text is escaped and the result
cleaned by `core.markdown`). The excerpt and word count come from the words Markdown
itself finds: the text is parsed with markdown-it (the parser `core.markdown` renders
with) and only the text of its tokens is kept, so a grid card reads like prose, not like
markup. No regular expression runs over the whole text: patterns guessing at Markdown
syntax backtrack, and a line of "-*a" repeated took minutes (markdown-it is linear).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ensemble.core.markdown import render_markdown

from ..base import Detected, Limits, MediaError, Progress, Result

# A long novel is ~3 MB of UTF-8; beyond this rendering would stall the worker.
MAX_TEXT_BYTES = 8 * 1024 * 1024
EXCERPT_LENGTH = 280

# The same dialect `core.markdown` renders, so the words counted are the words shown.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_parser.enable(["strikethrough", "table"])
# Raw HTML is shown escaped on the page, but a card reads better without the tags. The
# class excludes "<", so each character is looked at from one "<" at most: linear.
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")


def process(
    src: Path, found: Detected, out_dir: Path, limits: Limits, progress: Progress
) -> Result:
    body = read_text(src)
    if not body.strip():
        raise MediaError("The text is empty.")
    progress(0.1)
    plain = plain_text(body)
    progress(0.5)
    html = render_markdown(body)
    progress(1.0)
    metadata = {"word_count": len(plain.split()), "excerpt": excerpt(plain)}
    return Result(kind="text", html=html, metadata=metadata)


def read_text(src: Path) -> str:
    """The file as a string: UTF-8 throughout (a byte-order mark is dropped)."""
    if src.stat().st_size > MAX_TEXT_BYTES:
        raise MediaError(
            f"The text is longer than {MAX_TEXT_BYTES // (1024 * 1024)} MB; "
            "upload long writing as a PDF instead."
        )
    raw = src.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MediaError("The text is not valid UTF-8.") from None


def plain_text(markdown: str) -> str:
    """The words of a Markdown text without its syntax, whitespace collapsed."""
    text = " ".join(_words(_parser.parse(markdown)))
    return " ".join(_TAG.sub("", text).split())


def _words(tokens: Sequence[Token]) -> Iterator[str]:
    """The text of every block: inline text, code spans, code blocks; images left out.

    Pieces of one paragraph are joined as written ("**bo**ld" stays one word); blocks
    and line breaks are separated by a space.
    """
    for token in tokens:
        if token.type == "inline":
            yield "".join(_inline_words(token.children or []))
        elif token.type in ("fence", "code_block"):
            yield token.content


def _inline_words(children: Sequence[Token]) -> Iterator[str]:
    for child in children:
        if child.type == "image":
            continue  # its alt text is in its own children, which are not walked
        if child.type in ("text", "code_inline"):
            yield child.content
        elif child.type in ("softbreak", "hardbreak"):
            yield " "


def excerpt(plain: str, length: int = EXCERPT_LENGTH) -> str:
    """At most `length` characters, cut at a word boundary, "…" marking the cut."""
    if len(plain) <= length:
        return plain
    cut = plain[: length - 1]
    if plain[length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
