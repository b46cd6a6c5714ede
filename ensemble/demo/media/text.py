"""The writer's poem: the words everything else in the demo illustrates, scores and films.

It lives in `poem.md` beside this package, so it reads (and diffs) as a poem; this only
splits off its "# Title" line. Lines end in a backslash, CommonMark's hard line break,
so the verse keeps its lines when rendered and survives editors that strip trailing
spaces.
"""

from __future__ import annotations

from pathlib import Path

POEM = Path(__file__).resolve().parent.parent / "poem.md"


def poem() -> tuple[str, str]:
    """(title, Markdown body) of the poem."""
    heading, _, body = POEM.read_text(encoding="utf-8").partition("\n")
    if not heading.startswith("# "):
        raise ValueError(f"{POEM} must start with a '# Title' line.")
    return heading.removeprefix("# ").strip(), body.strip() + "\n"
