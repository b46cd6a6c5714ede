"""Names that look alike: the "skeleton" of Unicode TR39, for refusing impersonation.

Two names whose skeletons are equal can be mistaken for each other on a page: "Alice"
and "Аlice" (Cyrillic А), "AIice" (capital I), "ALICE", "J0HN" and "JOHN". Each
member's skeletons are stored, indexed, on the account, so a new name is checked against
every member with one indexed query.

The confusables data is Unicode's own (confusables.txt), as shipped by the
confusable-homoglyphs package; it lists each confusable pair in both directions. In
TR39 every confusable character maps to one prototype, so the pairs form stars around
their prototypes: the prototype is the star's centre, found as the character with the
most look-alikes (a pair of two is ordered ASCII first, then by code point, which is
arbitrary but stable).

The skeleton, in steps:
1. NFKC (fullwidth and mathematical letters become plain ones, ligatures split);
2. drop invisible format characters and collapse runs of spaces;
3. map every character to its prototype (`m` to `rn`, Cyrillic `а` to `a`, `0` to `O`);
4. casefold, so case never makes a name new;
5. map again (casefolding makes new characters), fold `i` into `l`, then NFKC again.
   The fold is the price of comparing without case: a capital `I` looks like `l`
   ("AIice" passing for "Alice") and its small form is `i` ("ALICE" is "Alice"), so
   one key can only keep both true by treating the two letters as one. Names that
   differ only there ("Eli", "Ell") count as alike, which is rare and harmless.
Changing these steps changes stored skeletons: add a migration that recomputes them.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

# Stored skeletons are cut here (the column's length): NFKC can lengthen a character
# many times over, and names sharing 255 skeleton characters are alike enough.
MAX_LENGTH = 255
_DIRECTION_MARKS = str.maketrans("", "", "\u200e\u200f")  # the data wraps RTL glyphs in them


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character → its prototype (one character or a short sequence)."""
    glyphs = {
        key.translate(_DIRECTION_MARKS): [e["c"].translate(_DIRECTION_MARKS) for e in entries]
        for key, entries in confusables_data.items()
    }
    prototypes: dict[str, str] = {}
    for char, alikes in glyphs.items():
        if len(char) != 1 or not alikes:
            continue
        if len(alikes) == 1 and len(alikes[0]) > 1:
            prototypes[char] = alikes[0]  # a source of a sequence: `m` → `rn`
            continue
        # A centre (several look-alikes) is its own prototype; a leaf maps to its centre.
        if len(alikes) == 1:
            other = alikes[0]
            if _centre_rank(other, glyphs) > _centre_rank(char, glyphs):
                prototypes[char] = other
    return prototypes


def _centre_rank(char: str, glyphs: dict[str, list[str]]) -> tuple[int, bool, int]:
    return (len(glyphs.get(char, ())), char.isascii(), -ord(char) if len(char) == 1 else 0)


def _mapped(text: str) -> str:
    table = _prototypes()
    return "".join(table.get(char, char) for char in text)


def skeleton(name: str) -> str:
    """The form two names share when one can be mistaken for the other ("" for "")."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = " ".join(text.split())
    text = _mapped(_mapped(text).casefold()).replace("i", "l")
    return unicodedata.normalize("NFKC", text)[:MAX_LENGTH]
