"""How a render fails in a way the leader can fix: a sentence naming the item at fault.

A source that cannot be opened or decoded (damaged bytes, a missing track, a range past
its end) is the leader's to fix, so it becomes a `RenderError` whose message starts with
the item's `name` ("video 3: “Morning walk”: …"). Anything else raised while rendering is
a bug on our side and is left to propagate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import av.error

from ensemble.records.media.base import MediaError


class RenderError(Exception):
    """The timeline cannot be rendered; `message` says which item and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Turn a source's open and decode failures into a RenderError naming the item.

    `open_container` reports a file it refuses as a MediaError (a sentence for an
    uploader); FFmpeg reports damaged data as an FFmpegError, whose `strerror` we keep
    (its full text names the file's path on the worker, which means nothing to a leader).
    """
    try:
        yield
    except MediaError as error:
        message = f"{name}: the file could not be opened ({_clause(error.message)})."
        raise RenderError(message) from error
    except av.error.FFmpegError as error:
        detail = _clause(error.strerror or "damaged data")
        raise RenderError(f"{name}: the file could not be decoded ({detail}).") from error


def _clause(sentence: str) -> str:
    """ "The file is damaged." → "the file is damaged", to sit inside another sentence."""
    text = sentence.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def seconds(value: float) -> str:
    """A time as a leader reads it in messages: "12.0 s"."""
    return f"{value:.1f} s"
