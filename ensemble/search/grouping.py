"""Near-identical titles, so search can show "Mr Pell, take 1" once with "140 more like
this" instead of pages of the same drawing.

Only the title is normalised here (when a document is saved); *whose* near-identical
titles group (the same owner, or entries in the same call) is decided at query time by
`results.group_scope`, because a record is entered in a call after it was published and
indexed.
"""

from __future__ import annotations

import re
import unicodedata

# What tells the takes of one work apart: a trailing number, alone or after a word such
# as "take", "version", "no." or "#", or a "v2". Stripped repeatedly, so "Sketch 3,
# take 2" and "Sketch" group.
_TRAILING = re.compile(
    r"[\s,.;:/()\[\]_-]*"
    r"(?:\b(?:take|version|ver|draft|part|pt|no|nr|number|try|attempt|round)\b\.?)?"
    r"[\s#(]*\bv?\d+[\s)\]]*[\s,.;:_-]*$"
)
_NOT_WORDS = re.compile(r"[\W_]+")


def group_title(title: str) -> str:
    """The title without its trailing take numbers, in lower case, punctuation as single
    spaces; a title that is only a number stays whole ("1984")."""
    text = unicodedata.normalize("NFKC", title or "").casefold().strip()
    stripped = text
    while stripped:
        shorter = _TRAILING.sub("", stripped)
        if shorter == stripped:
            break
        stripped = shorter
    return " ".join(_NOT_WORDS.sub(" ", stripped or text).split())[:300]
