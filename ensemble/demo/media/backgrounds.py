"""Background elements for the film: props, cityscapes and side characters.

The call for backgrounds gets its entries from here: a prop on a plain wall (street
lamp, umbrella, teacup or pocket watch), a town skyline by day, dusk or night, and the
townsfolk of the poem as silhouettes (a lady in a hat, the baker, a child with a
balloon, a constable, a pigeon). Drawn at twice the size and halved, like the portraits.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from .pictures import SUPERSAMPLE, Sketch, out, png
from .traits import INK, RGB, hsv, mix, seeded, shade

BACKGROUND_KINDS = ("prop", "cityscape", "character")
_LAMPLIGHT: RGB = (255, 226, 140)
_WHITE: RGB = (250, 250, 250)
_GOLD: RGB = (214, 180, 70)


def background(kind: str, seed: int, size: tuple[int, int] = (640, 360)) -> bytes:
    """A PNG background element: "prop", "cityscape" or "character" (side characters)."""
    if kind not in BACKGROUND_KINDS:
        choices = ", ".join(BACKGROUND_KINDS)
        raise ValueError(f"No background kind {kind!r}; choose from {choices}.")
    rng = seeded(f"{kind} {seed}")
    width, tall = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    image = Image.new("RGB", (width, tall))
    draw = ImageDraw.Draw(image)
    {"prop": _prop, "cityscape": _cityscape, "character": _townsfolk}[kind](draw, width, tall, rng)
    return png(image.reduce(SUPERSAMPLE))


def _backdrop(draw: ImageDraw.ImageDraw, width: int, tall: int, rng: random.Random) -> RGB:
    """A pale wall and a slightly darker floor."""
    wall = hsv(rng.random(), rng.uniform(0.1, 0.35), rng.uniform(0.85, 0.97))
    draw.rectangle((0, 0, width, tall), wall)
    draw.rectangle((0, round(tall * 0.78), width, tall), shade(wall, 0.85))
    return wall


def _prop(draw: ImageDraw.ImageDraw, width: int, tall: int, rng: random.Random) -> None:
    wall = _backdrop(draw, width, tall, rng)
    colour = hsv(rng.random(), rng.uniform(0.4, 0.8), rng.uniform(0.3, 0.75))
    k = Sketch(draw, width * rng.uniform(0.35, 0.65), tall * 0.86, tall * rng.uniform(0.6, 0.8))
    line = max(2, round(k.s * 0.012))
    draw.ellipse(k.box(0, 0, 0.35, 0.04), shade(wall, 0.7))
    kind = rng.choice(("lamp", "umbrella", "teacup", "watch"))
    if kind == "lamp":
        draw.ellipse(k.box(0, 0.86, 0.3, 0.26), shade(wall, 1.25))  # its glow on the wall
        draw.rectangle(k.box(0, 0.4, 0.025, 0.4), colour)
        draw.polygon(k.points((-0.1, 0), (0.1, 0), (0.05, 0.12), (-0.05, 0.12)), colour)
        lantern = k.points((-0.1, 0.8), (0.1, 0.8), (0.13, 0.98), (-0.13, 0.98))
        draw.polygon(lantern, _LAMPLIGHT, INK, line)
        draw.polygon(k.points((-0.16, 0.98), (0.16, 0.98), (0, 1.08)), colour)
    elif kind == "umbrella":
        draw.line(k.points((0, 0.95), (0, 0.08)), INK, line * 2)
        draw.arc(k.box(0.07, 0.08, 0.07, 0.08), 0, 180, INK, line * 2)
        draw.pieslice(k.box(0, 0.6, 0.45, 0.35), 180, 360, colour, INK, line)
        for scallop in range(6):
            draw.ellipse(k.box(-0.375 + scallop * 0.15, 0.6, 0.075, 0.05), wall)
        for rib in (-0.3, -0.15, 0.0, 0.15, 0.3):
            draw.line(k.points((0, 0.95), (rib, 0.62)), shade(colour, 0.6), line)
    elif kind == "teacup":
        china = shade(colour, 1.7)
        draw.ellipse(k.box(0, 0.03, 0.4, 0.05), shade(colour, 1.6), INK, line)  # saucer
        draw.arc(k.box(0.29, 0.27, 0.13, 0.12), 270, 90, INK, line * 4)  # handle
        draw.chord(k.box(0, 0.39, 0.3, 0.36), 0, 180, china, INK, line)
        draw.rectangle(k.box(0, 0.34, 0.29, 0.03), colour)
        draw.ellipse(k.box(0, 0.45, 0.3, 0.05), (120, 70, 40), INK, line)  # the tea
        for wisp in (-0.1, 0.08):
            steam = k.points(*((wisp + 0.04 * math.sin(n), 0.55 + 0.05 * n) for n in range(6)))
            draw.line(steam, shade(wall, 0.75), line * 2, joint="curve")
    else:
        centre, radius = k.at(0, 0.4), 0.3 * k.s
        draw.line(k.points((0, 0.7), (-0.2, 1.3)), _GOLD, line * 2)  # the chain
        draw.ellipse(k.box(0, 0.4, 0.3, 0.3), _GOLD, INK, line)
        draw.ellipse(k.box(0, 0.4, 0.255, 0.255), (250, 246, 232), INK, line)
        for hour in range(12):
            angle = math.pi * hour / 6
            draw.line(
                [out(centre, angle, radius * 0.72), out(centre, angle, radius * 0.8)], INK, line
            )
        for reach in (0.5, 0.75):
            draw.line(
                [centre, out(centre, 2 * math.pi * rng.random(), radius * reach)], INK, line * 2
            )


def _cityscape(draw: ImageDraw.ImageDraw, width: int, tall: int, rng: random.Random) -> None:
    """Sky, sun or moon, a hazy far row of buildings and a near row with windows."""
    time = rng.choice(("day", "dusk", "night"))
    high, low = {
        "day": ((120, 180, 235), (220, 236, 248)),
        "dusk": ((70, 60, 130), (250, 160, 110)),
        "night": ((10, 14, 40), (40, 50, 90)),
    }[time]
    for y in range(0, tall, 4):
        draw.rectangle((0, y, width, y + 3), mix(high, low, y / tall))
    orb = tall * rng.uniform(0.05, 0.12)
    ox, oy = width * rng.uniform(0.1, 0.9), tall * rng.uniform(0.12, 0.35)
    glow = (255, 250, 190) if time == "day" else (255, 244, 214)
    draw.ellipse((ox - orb, oy - orb, ox + orb, oy + orb), glow)
    for near, darkness in ((False, 0.75), (True, 0.4)):
        body = mix(low, (20, 20, 30), darkness)
        x = -rng.uniform(0, width * 0.05)
        while x < width:
            wide = width * rng.uniform(0.05, 0.13)
            top = tall * (rng.uniform(0.2, 0.55) + (0.15 if near else 0.0))
            draw.rectangle((x, top, x + wide, tall), body)
            _roof(Sketch(draw, x + wide / 2, top, wide), body, rng)
            if near:
                _windows(draw, (x, top, wide), tall * 0.88, time, rng)
            x += wide + width * rng.uniform(0.0, 0.02)
    draw.rectangle((0, tall * 0.92, width, tall), (60, 60, 64))


def _roof(k: Sketch, body: RGB, rng: random.Random) -> None:
    """On a building one unit wide whose top is the sketch's floor."""
    roof = rng.choice(("flat", "peak", "dome", "spire", "chimney"))
    if roof == "peak":
        k.draw.polygon(k.points((-0.5, 0), (0.5, 0), (0, 0.45)), body)
    elif roof == "dome":
        k.draw.pieslice(k.box(0, 0, 0.35, 0.35), 180, 360, body)
    elif roof == "spire":
        k.draw.polygon(k.points((-0.1, 0), (0.1, 0), (0, 1.2)), body)
    elif roof == "chimney":
        k.draw.rectangle(k.box(0.22, 0.15, 0.08, 0.15), body)


def _windows(
    draw: ImageDraw.ImageDraw,
    building: tuple[float, float, float],
    bottom: float,
    time: str,
    rng: random.Random,
) -> None:
    """Three columns of windows down a building (left, top, width), more lit at night."""
    x, top, wide = building
    pane = wide / 7
    lit_chance = {"day": 0.1, "dusk": 0.45, "night": 0.6}[time]
    y = top + pane
    while y < bottom:
        for column in range(3):
            left = x + pane * (1 + 2 * column)
            lit = rng.random() < lit_chance
            colour = (255, 214, 120) if lit else (70, 80, 100)
            draw.rectangle((left, y, left + pane, y + pane * 1.4), colour)
        y += pane * 2.4


def _townsfolk(draw: ImageDraw.ImageDraw, width: int, tall: int, rng: random.Random) -> None:
    """Side characters as silhouettes: the town that says "Good morning, sir"."""
    _backdrop(draw, width, tall, rng)
    body = hsv(rng.random(), rng.uniform(0.2, 0.5), rng.uniform(0.12, 0.3))
    accent = hsv(rng.random(), 0.8, 0.9)
    count = rng.randint(1, 3)
    for index in range(count):
        x = width * ((index + 0.5) / count + rng.uniform(-0.05, 0.05))
        who = rng.choice(("lady", "baker", "child", "constable", "pigeon"))
        height = {"child": 0.45, "pigeon": 0.25}.get(who, 0.7) * rng.uniform(0.9, 1.05)
        k = Sketch(draw, x, tall * 0.9, tall * height)
        if who == "pigeon":
            draw.ellipse(k.box(-0.05, 0.35, 0.45, 0.25), body)
            draw.ellipse(k.box(0.375, 0.675, 0.175, 0.175), body)
            draw.polygon(k.points((0.55, 0.72), (0.7, 0.66), (0.55, 0.62)), accent)
            draw.polygon(k.points((-0.5, 0.4), (-0.85, 0.2), (-0.45, 0.25)), body)
            draw.line(k.points((0, 0.12), (0, 0)), body, max(2, round(k.s * 0.04)))
        else:
            _person(k, who, body, accent)


def _person(k: Sketch, who: str, body: RGB, accent: RGB) -> None:
    """Head, coat or dress, legs and arms, then what tells them apart."""
    draw = k.draw
    draw.ellipse(k.box(0, 0.89, 0.11, 0.11), body)
    hem = 0.28 if who in ("lady", "baker") else 0.16
    draw.polygon(k.points((-0.13, 0.78), (0.13, 0.78), (hem, 0.3), (-hem, 0.3)), body)
    for side in (-1, 1):
        draw.rectangle(k.box(side * 0.06, 0.16, 0.025, 0.16), body)
        draw.line(k.points((side * 0.12, 0.75), (side * 0.36, 0.42)), body, round(k.s * 0.05))
    if who == "lady":
        draw.ellipse(k.box(0, 0.97, 0.264, 0.0275), body)
        draw.chord(k.box(0, 1.011, 0.121, 0.099), 180, 360, body)
        draw.ellipse(k.box(0.1, 1.033, 0.04, 0.04), accent)  # a flower on the hat
        draw.rectangle(k.box(0.26, 0.4, 0.06, 0.05), accent)  # her handbag
    elif who == "baker":
        draw.rectangle(k.box(0, 1.066, 0.099, 0.11), _WHITE)
        draw.ellipse(k.box(0, 1.209, 0.143, 0.077), _WHITE)
        draw.polygon(k.points((-0.1, 0.68), (0.1, 0.68), (0.2, 0.3), (-0.2, 0.3)), _WHITE)
    elif who == "child":
        draw.line(k.points((0.15, 0.58), (0.3, 1.23)), body, 2)
        draw.ellipse(k.box(0.31, 1.34, 0.11, 0.14), accent)  # a balloon
    else:
        draw.pieslice(k.box(0, 1.017, 0.121, 0.1375), 180, 360, body)  # a constable's helmet
        draw.ellipse(k.box(0, 1.099, 0.022, 0.022), accent)
