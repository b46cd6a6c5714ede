"""The call's illustrations: 145 portraits of the turnip-headed gentleman, one per seed.

Drawn at twice the size and halved (`Image.reduce`), the cheapest antialiasing Pillow
has: flat shapes stay crisp, the PNGs of flat colour stay small, and 145 portraits take
about a second. The figure comes from `figure.py`; here he gets his wallpaper (stripes,
dots, checks, a sunburst or a floor, sometimes a frame), his place and his shadow.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw

from .figure import Pen, draw_figure, still
from .traits import Point, Traits, height, mix, seeded, shade, traits

SUPERSAMPLE = 2


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def out(centre: Point, angle: float, reach: float) -> Point:
    """The point `reach` away from `centre` at `angle` (radians, clockwise from east)."""
    return (centre[0] + math.cos(angle) * reach, centre[1] + math.sin(angle) * reach)


class Sketch:
    """Shapes placed around a spot on the floor, in units of `s` pixels, y going up:
    so the code of a prop, a passer-by or the reader reads as their proportions."""

    def __init__(self, draw: ImageDraw.ImageDraw, x: float, floor: float, s: float) -> None:
        self.draw, self.x, self.floor, self.s = draw, x, floor, s

    def at(self, dx: float, dy: float) -> Point:
        return (self.x + dx * self.s, self.floor - dy * self.s)

    def points(self, *offsets: Point) -> list[Point]:
        return [self.at(dx, dy) for dx, dy in offsets]

    def box(self, dx: float, dy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
        """The box of an ellipse or rectangle centred at (dx, dy), half-sizes rx and ry."""
        cx, cy = self.at(dx, dy)
        return (cx - rx * self.s, cy - ry * self.s, cx + rx * self.s, cy + ry * self.s)


def turnip_character(seed: int, size: tuple[int, int] = (480, 600)) -> bytes:
    """A PNG portrait of one turnip-headed gentleman, clearly different for every seed."""
    t = traits(seed)
    rng = seeded(f"wallpaper {seed}")  # apart from the traits, so they do not move in step
    width, tall = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    image = Image.new("RGB", (width, tall), t.backdrop)
    draw = ImageDraw.Draw(image)
    _wallpaper(draw, t, width, tall, rng)
    scale = min(tall * 0.8 / height(t), width / 3.4)
    x, y = width * (0.5 + rng.uniform(-0.08, 0.08)), tall * 0.94
    shadow = (x - scale * 0.8, y - scale * 0.1, x + scale * 0.8, y + scale * 0.12)
    draw.ellipse(shadow, shade(t.backdrop, 0.8))
    draw_figure(Pen(draw, x, y, scale, t), t, still(t))
    return png(image.reduce(SUPERSAMPLE))


def _wallpaper(
    draw: ImageDraw.ImageDraw, t: Traits, width: int, tall: int, rng: random.Random
) -> None:
    ink = mix(t.backdrop, t.backdrop_alt, 0.55)
    step = round(width / rng.choice((6, 8, 10, 12)))
    if t.pattern == "stripes":
        for x in range(0, width, step * 2):
            draw.rectangle((x, 0, x + step - 1, tall), ink)
    elif t.pattern == "dots":
        radius = step * rng.uniform(0.12, 0.3)
        for row, y in enumerate(range(0, tall + step, step)):
            for x in range((row % 2) * step // 2, width + step, step):
                draw.ellipse((x - radius, y - radius, x + radius, y + radius), ink)
    elif t.pattern == "checks":
        for row, y in enumerate(range(0, tall, step)):
            for x in range((row % 2) * step, width, step * 2):
                draw.rectangle((x, y, x + step - 1, y + step - 1), ink)
    elif t.pattern == "rays":
        centre = (width / 2, tall * 0.3)
        rays = rng.randint(10, 22)
        reach = 2 * max(width, tall)
        for ray in range(0, rays * 2, 2):
            a, b = 2 * math.pi * ray / (rays * 2), 2 * math.pi * (ray + 1) / (rays * 2)
            draw.polygon([centre, out(centre, a, reach), out(centre, b, reach)], ink)
    elif t.pattern == "floor":
        horizon = round(tall * rng.uniform(0.62, 0.78))
        draw.rectangle((0, horizon, width, tall), ink)
        draw.rectangle((0, horizon - step // 5, width, horizon), shade(ink, 0.75))
    if rng.random() < 0.3:
        border = round(width * 0.03)
        draw.rectangle((0, 0, width - 1, tall - 1), outline=shade(t.backdrop, 0.55), width=border)
