"""Text records: the file is the writing itself, rendered as Markdown to sanitized HTML.

Only the rendered HTML is ever shown (raw HTML in the text is escaped and the result
cleaned by `core.markdown`). The excerpt and word count come from the text with the
Markdown syntax taken out, so a grid card reads like prose, not like markup.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ensemble.core.markdown import render_markdown

from ..base import Detected, Limits, MediaError, Progress, Result

# A long novel is ~3 MB of UTF-8; beyond this rendering would stall the worker.
MAX_TEXT_BYTES = 8 * 1024 * 1024
EXCERPT_LENGTH = 280

# Markdown syntax to take out for the plain-text excerpt, in order: (pattern, replacement).
_PLAIN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\s*(```|~~~).*$", re.MULTILINE), ""),  # code fence lines
    (re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE), ""),  # link definitions
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags and autolinks
    (re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE), ""),
    (re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$", re.MULTILINE), ""),  # horizontal rules
    (re.compile(r"(?<!\w)(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1(?!\w)"), r"\2"),  # emphasis
    (re.compile(r"`+([^`]*)`+"), r"\1"),  # inline code
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),  # backslash escapes
]


def process(
    src: Path, found: Detected, out_dir: Path, limits: Limits, progress: Progress
) -> Result:
    body = read_text(src)
    if not body.strip():
        raise MediaError("The text is empty.")
    progress(0.3)
    plain = plain_text(body)
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
    text = markdown.replace("\r\n", "\n")
    for pattern, replacement in _PLAIN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def excerpt(plain: str, length: int = EXCERPT_LENGTH) -> str:
    """At most `length` characters, cut at a word boundary, "…" marking the cut."""
    if len(plain) <= length:
        return plain
    cut = plain[: length - 1]
    if plain[length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
