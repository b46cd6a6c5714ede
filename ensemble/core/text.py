"""Checks for text that people type: no invisible characters that break or spoof it.

NUL bytes cannot even be stored by PostgreSQL; other control characters garble pages and
terminals; bidirectional overrides make "invoice‮fdp.exe" read as something it is not.
"""

from __future__ import annotations

import re

from ensemble.core.refusals import Refused

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]")
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def problem_in(value: str, *, multiline: bool) -> str | None:
    """Why the text cannot be used, or None. Single-line text (titles, names, tags) may
    not hold line breaks or direction overrides; multi-line text (descriptions, bodies)
    may hold both, since right-to-left writing needs them."""
    if _CONTROL.search(value):
        return "contains invisible control characters"
    if not multiline and _LINE_BREAKS.search(value):
        return "cannot contain line breaks"
    if not multiline and _BIDI_CONTROLS.search(value):
        return "cannot contain text-direction override characters"
    return None


def without_bidi_controls(value: str) -> str:
    return _BIDI_CONTROLS.sub("", value)


def checked_text(value: str, *, field: str, label: str, multiline: bool = False) -> str:
    """The text, or Refused naming the field if it holds characters that break or spoof."""
    problem = problem_in(value, multiline=multiline)
    if problem:
        raise Refused(f"The {label} {problem}.", field=field)
    return value


def clean_title(title: str | None) -> str:
    title = checked_text((title or "").strip(), field="title", label="title")
    if not title:
        raise Refused("Give the record a title.", field="title")
    if len(title) > 200:
        raise Refused("The title can be at most 200 characters.", field="title")
    return title


def clean_description(description: str | None) -> str:
    description = (description or "").strip()
    checked_text(description, field="description", label="description", multiline=True)
    if len(description) > 10_000:
        raise Refused("The description can be at most 10,000 characters.", field="description")
    return description
