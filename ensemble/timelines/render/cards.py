"""Title and credit cards: light text on a dark grey, drawn with Pillow, shown in yuv420p.

Text and background are neutral greys, so a card lives in the luma plane alone (chroma
is 128 everywhere): each line of text is drawn once into a small patch of luma values
(the line's own width × height), and a frame is the background with the patches of the
lines on screen copied in. Fonts are Pillow's bundled scalable font, sized from the frame
height, so a draft looks like a smaller final.

- Title card: the title large, the subtitle smaller and dimmer below it, wrapped to the
  frame's width, centred as a block; drawn once and held.
- Credits, "scroll": the roll enters from below the frame and moves up at a constant
  speed: the first frame shows its top at the frame's foot (still empty), the last frame
  its last line half out of the top, just leaving. Only the lines on screen have
  patches and a line that has left is forgotten, so memory follows the screen, not the
  roll: 300 people or 3000 cost the same.
- Credits, "pages": as many lines as fit in 85 % of the frame's height per page, a
  heading never left alone at the foot of a page; each page is centred and shown for an
  equal share of the card's time.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from av.video.frame import VideoFrame
from PIL import Image, ImageDraw, ImageFont

from ..plan import CreditCard, TitleCard
from .encode import Encoding
from .frames import blank, plane_array

# Greys on the RGB scale: a near-black background, white text, dimmer secondary text.
BACKGROUND = 20
BRIGHT = 240
DIM = 170
WRAP_WIDTH = 0.85  # of the frame's width, for every line of text
PAGE_HEIGHT = 0.85  # of the frame's height, for a page of credits
LINE_SPACING = 1.35  # a line's height, in font sizes


def luma(grey: int) -> int:
    """A grey on the RGB scale as limited-range luma (the same in BT.601 and BT.709)."""
    return round(16 + grey * 219 / 255)


@dataclass(frozen=True)
class Line:
    """One line of text at `top` pixels from the start of its layout."""

    text: str
    size: int  # font size in pixels
    grey: int
    top: int
    height: int
    heading: bool = False

    @property
    def bottom(self) -> int:
        return self.top + self.height


def title_frames(card: TitleCard, count: int, encoding: Encoding) -> Iterator[VideoFrame]:
    """The title card, drawn once and sent `count` times."""
    height = encoding.height
    lines: list[Line] = []
    top = 0
    top = _add_wrapped(lines, card.title, _size(height, 11), BRIGHT, top, encoding.width)
    if card.subtitle:
        top += _size(height, 40)
        top = _add_wrapped(lines, card.subtitle, _size(height, 24), DIM, top, encoding.width)
    frame = _draw(lines, (height - top) // 2, encoding)
    for _ in range(count):
        yield frame


def credit_frames(card: CreditCard, count: int, encoding: Encoding) -> Iterator[VideoFrame]:
    """`count` frames of the credits, scrolled or in pages (see the module docstring).
    A card cut by a preview's window (`lead`, `full`) shows its part of the whole card's
    frames, so it moves as the whole card would."""
    lines, roll_height = _credit_layout(card, encoding.width, encoding.height)
    total = max(count, round(card.full * encoding.fps)) if card.full else count
    first = min(total - count, round(card.lead * encoding.fps))
    indexes = range(first, first + count)
    if card.style == "pages":
        yield from _pages(lines, indexes, total, encoding)
    else:
        yield from _scroll(lines, roll_height, indexes, total, encoding)


def _credit_layout(card: CreditCard, width: int, height: int) -> tuple[list[Line], int]:
    """Every line of the roll, top to bottom, and the roll's height."""
    heading_size, name_size = _size(height, 26), _size(height, 20)
    lines: list[Line] = []
    top = 0
    for number, section in enumerate(card.sections):
        if number:
            top += round(name_size * 1.5)  # a gap between sections
        if section.heading:
            top = _add_wrapped(lines, section.heading, heading_size, DIM, top, width, heading=True)
        for entry in section.lines:
            top = _add_wrapped(lines, entry, name_size, BRIGHT, top, width)
    return lines, top


def _scroll(
    lines: list[Line], roll_height: int, indexes: range, total: int, encoding: Encoding
) -> Iterator[VideoFrame]:
    height = encoding.height
    # From the roll's top at the frame's foot (first frame) to its last line half out
    # of the top (last frame).
    travel = height + roll_height - (lines[-1].height // 2 if lines else 0)
    patches: dict[int, np.ndarray] = {}
    first = 0  # lines before this one have left the frame for good
    for index in indexes:
        offset = height - round(travel * index / max(1, total - 1))
        while first < len(lines) and lines[first].bottom + offset <= 0:
            patches.pop(first, None)
            first += 1
        frame = blank(encoding.width, height, luma(BACKGROUND))
        luma_plane = plane_array(frame.planes[0])
        number = first
        while number < len(lines) and lines[number].top + offset < height:
            if number not in patches:
                patches[number] = _patch(lines[number])
            _paste(luma_plane, patches[number], lines[number].top + offset)
            number += 1
        yield frame


def _pages(
    lines: list[Line], indexes: range, total: int, encoding: Encoding
) -> Iterator[VideoFrame]:
    pages = _paginate(lines, round(encoding.height * PAGE_HEIGHT)) or [[]]
    shown = -1
    frame = blank(encoding.width, encoding.height, luma(BACKGROUND))
    for index in indexes:
        page = min(len(pages) - 1, index * len(pages) // total)
        if page != shown:
            chosen = pages[page]
            if chosen:
                page_top = chosen[0].top
                page_height = chosen[-1].bottom - page_top
                frame = _draw(chosen, (encoding.height - page_height) // 2 - page_top, encoding)
            shown = page
        yield frame


def _paginate(lines: list[Line], available: int) -> list[list[Line]]:
    """Lines in pages of at most `available` pixels; a page ending on a heading gives it
    to the next page (unless the heading is all the page has)."""
    pages: list[list[Line]] = []
    at = 0
    while at < len(lines):
        page_top = lines[at].top
        end = at + 1
        while end < len(lines) and lines[end].bottom - page_top <= available:
            end += 1
        while end - at > 1 and lines[end - 1].heading and end < len(lines):
            end -= 1
        pages.append(lines[at:end])
        at = end
    return pages


def _draw(lines: list[Line], offset: int, encoding: Encoding) -> VideoFrame:
    frame = blank(encoding.width, encoding.height, luma(BACKGROUND))
    luma_plane = plane_array(frame.planes[0])
    for line in lines:
        _paste(luma_plane, _patch(line), line.top + offset)
    return frame


def _paste(luma_plane: np.ndarray, patch: np.ndarray, top: int) -> None:
    """Copy a line's patch, centred across, its top at `top` (clipped at the edges)."""
    height, width = luma_plane.shape
    left = (width - patch.shape[1]) // 2
    y0, x0 = max(0, -top), max(0, -left)
    y1, x1 = min(patch.shape[0], height - top), min(patch.shape[1], width - left)
    if y1 > y0 and x1 > x0:
        luma_plane[top + y0 : top + y1, left + x0 : left + x1] = patch[y0:y1, x0:x1]


def _patch(line: Line) -> np.ndarray:
    """The line drawn as luma values over the background, as wide as its text."""
    font = _font(line.size)
    ascent, descent = font.getmetrics()
    width = max(1, math.ceil(font.getlength(line.text)) + 2)
    coverage = Image.new("L", (width, line.height), 0)
    ImageDraw.Draw(coverage).text(
        (1, (line.height - ascent - descent) // 2), line.text, font=font, fill=255
    )
    alpha = np.asarray(coverage, dtype=np.uint16)
    background, text = luma(BACKGROUND), luma(line.grey)
    return (background + (alpha * (text - background) + 127) // 255).astype(np.uint8)


def _add_wrapped(
    lines: list[Line],
    text: str,
    size: int,
    grey: int,
    top: int,
    frame_width: int,
    heading: bool = False,
) -> int:
    """Append `text` wrapped to the frame's width, from `top`; returns where it ends."""
    height = round(size * LINE_SPACING)
    for part in _wrap(text, _font(size), frame_width * WRAP_WIDTH):
        lines.append(Line(part, size, grey, top, height, heading))
        top += height
    return top


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Words in lines no wider than `width`; a single longer word overflows alone."""
    wrapped: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if current and font.getlength(candidate) > width:
                wrapped.append(current)
                current = word
            else:
                current = candidate
        wrapped.append(current)
    return wrapped


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled scalable font at `size` px (Pillow's wheels include FreeType)."""
    font = ImageFont.load_default(size)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow was built without FreeType"
    return font


def _size(frame_height: int, per_height: int) -> int:
    """A font size as a fraction 1/`per_height` of the frame's height (at least 8 px)."""
    return max(8, round(frame_height / per_height))
