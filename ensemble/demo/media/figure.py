"""The turnip-headed gentleman, drawn from his traits in a pose.

One drawing serves the 145 illustrations and the animation tests, so a test's character
looks like someone's entry; an animation changes only the `Pose` from frame to frame.

Coordinates are in "units" (a turnip is about one unit wide) with y going up from the
feet; `Pen` turns them into pixels, leaning the figure by shearing x with height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import ImageDraw

from .traits import INK, RGB, Point, Traits, shade

GLOVE: RGB = (246, 244, 238)


@dataclass(frozen=True)
class Pose:
    """Arms as (shoulder, elbow) angles and legs as swings, in radians: 0 hangs straight
    down, positive turns outwards (away from the body). `lift` raises the whole figure."""

    left_arm: tuple[float, float]
    right_arm: tuple[float, float]
    left_leg: float
    right_leg: float
    lift: float = 0.0


_ARMS = {
    "sides": (0.14, 0.05),
    "hip": (0.75, -1.95),
    "wave": (2.0, 0.8),
    "tip": (2.3, 0.9),
    "cane": (0.3, -0.1),
    "umbrella": (0.3, -0.1),
    "case": (0.12, 0.0),
    "behind": (-0.1, -0.6),
}


def still(t: Traits) -> Pose:
    """How he stands for his portrait."""
    # No hat to tip: he waves instead.
    right = "wave" if t.right_hand == "tip" and t.hat == "none" else t.right_hand
    return Pose(_ARMS[t.left_hand], _ARMS[right], -t.stance, t.stance)


def walking(phase: float) -> Pose:
    """One step cycle per 2π: legs and arms swing against each other, the body bobs."""
    swing = math.sin(phase)
    return Pose(
        (0.12 - 0.35 * swing, 0.1),
        (0.12 + 0.35 * swing, 0.1),
        0.38 * swing,
        -0.38 * swing,
        lift=0.06 * abs(math.cos(phase)),
    )


class Pen:
    """Draws in figure units onto a Pillow image: `scale` pixels per unit, feet at (x, y)."""

    def __init__(
        self, draw: ImageDraw.ImageDraw, x: float, y: float, scale: float, t: Traits
    ) -> None:
        self.draw, self.x, self.y, self.scale, self.lean = draw, x, y, scale, t.lean
        self.ink = INK if t.outline else None
        self.width = max(1, round(scale * (0.012, 0.016, 0.032)[t.outline])) if t.outline else 0

    def at(self, point: Point) -> Point:
        x, y = point
        return (self.x + (x + self.lean * y) * self.scale, self.y - y * self.scale)

    def box(self, centre: Point, rx: float, ry: float) -> tuple[float, float, float, float]:
        cx, cy = self.at(centre)
        return (
            cx - rx * self.scale,
            cy - ry * self.scale,
            cx + rx * self.scale,
            cy + ry * self.scale,
        )

    def poly(self, points: list[Point], fill: RGB | None, *, inked: bool = True) -> None:
        outline = self.ink if inked else None
        self.draw.polygon([self.at(p) for p in points], fill, outline, self.width)

    def rect(self, left: float, bottom: float, right: float, top: float, fill: RGB) -> None:
        """A rectangle in units (a parallelogram once the figure leans)."""
        self.poly([(left, bottom), (right, bottom), (right, top), (left, top)], fill)

    def oval(
        self, centre: Point, rx: float, ry: float, fill: RGB | None, *, ink: bool = True
    ) -> None:
        outline = self.ink if ink else None
        self.draw.ellipse(self.box(centre, rx, ry), fill, outline, self.width if ink else 0)

    def line(self, points: list[Point], fill: RGB, thickness: float) -> None:
        """A limb: a thick polyline with round joints, inked by drawing it wider first."""
        pixels = [self.at(p) for p in points]
        size = max(1.0, thickness * self.scale)
        layers = [(fill, size)]
        if self.ink:
            layers.insert(0, (self.ink, size + 2 * self.width))
        for colour, width in layers:
            self.draw.line(pixels, colour, round(width), joint="curve")
            for px, py in (pixels[0], pixels[-1]):
                self.draw.ellipse(
                    (px - width / 2, py - width / 2, px + width / 2, py + width / 2), colour
                )

    def arc(self, centre: Point, rx: float, ry: float, start: int, end: int, width: float) -> None:
        self.draw.arc(self.box(centre, rx, ry), start, end, INK, max(1, round(width * self.scale)))


def draw_figure(pen: Pen, t: Traits, pose: Pose) -> None:
    """Back to front: arms behind, legs, jacket, head, hat, arms in front, what they hold."""
    lift = pose.lift
    shoulder_y = t.legs + t.torso + lift
    if t.left_hand == "behind":
        _arm(pen, t, -1, pose.left_arm, shoulder_y)
    _legs(pen, t, pose, lift)
    _jacket(pen, t, lift)
    head_y = shoulder_y + t.bulb[1] * (0.55 + 0.6 * t.tail)
    _head(pen, t, head_y)
    _collar(pen, t, shoulder_y)
    _hat(pen, t, head_y)
    if t.left_hand != "behind":
        _arm(pen, t, -1, pose.left_arm, shoulder_y)
    hand = _arm(pen, t, 1, pose.right_arm, shoulder_y)
    _held(pen, t, hand)


def _legs(pen: Pen, t: Traits, pose: Pose, lift: float) -> None:
    hip_y = t.legs + lift
    for side, swing in ((-1, pose.left_leg), (1, pose.right_leg)):
        hip = (side * 0.2, hip_y)
        foot = (hip[0] + math.sin(swing) * t.legs, hip_y - math.cos(swing) * t.legs)
        pen.line([hip, foot], t.trousers, 0.3)
        pen.oval((foot[0] + side * 0.08, foot[1] + 0.02), 0.2, 0.09, INK)


def _jacket(pen: Pen, t: Traits, lift: float) -> None:
    top = t.legs + t.torso + lift
    bottom = t.legs - 0.25 + lift
    half, hem = t.shoulders / 2, t.shoulders * t.hem / 2
    pen.poly([(-half, top), (half, top), (hem, bottom), (-hem, bottom)], t.suit)
    v_bottom = top - t.torso * 0.5
    pen.poly([(-0.2, top), (0.2, top), (0, v_bottom)], t.shirt)
    if t.neckwear == "tie":
        pen.poly(
            [
                (-0.06, top - 0.05),
                (0.06, top - 0.05),
                (0.09, v_bottom + 0.12),
                (0, v_bottom + 0.02),
                (-0.09, v_bottom + 0.12),
            ],
            t.accent,
        )
    lapel = shade(t.suit, 0.72)
    for side in (-1, 1):
        pen.poly(
            [(side * 0.2, top), (side * 0.34, top - 0.3), (side * 0.2, top - 0.32), (0, v_bottom)],
            lapel,
        )
    columns = (-0.14, 0.14) if t.double_breasted else (0.0,)
    gap = (v_bottom - bottom - 0.2) / max(1, t.buttons)
    for row in range(t.buttons):
        for x in columns:
            pen.oval((x, v_bottom - 0.12 - row * gap), 0.045, 0.045, shade(t.accent, 0.6))
    if t.pocket_square:
        chest = top - t.torso * 0.3
        pen.poly(
            [(-half * 0.8, chest), (-half * 0.4, chest), (-half * 0.55, chest + 0.12)], t.accent
        )
        pen.line([(-half * 0.85, chest), (-half * 0.35, chest)], lapel, 0.03)


def _bulb_outline(t: Traits, centre_y: float) -> list[Point]:
    """Round on top, tapering below into the root: a turnip, tail down into the collar."""
    rx, ry = t.bulb
    points = []
    for step in range(60):
        angle = 2 * math.pi * step / 60
        up = math.cos(angle)
        below = max(0.0, -up)
        x = rx * math.sin(angle) * (1 - 0.25 * below**2)
        y = ry * up * (1 + t.tail * below**4)
        points.append((x, centre_y + y))
    return points


def _head(pen: Pen, t: Traits, y: float) -> None:
    """Leaves behind, the cream bulb, its purple crown with a shine, one outline, a face."""
    rx, ry = t.bulb
    top = (0.0, y + ry * 0.95)
    for angle, length, width in t.leaves:
        stem_end = (
            top[0] + math.sin(angle) * length * 0.45,
            top[1] + math.cos(angle) * length * 0.45,
        )
        pen.line([top, stem_end], shade(t.leaf, 0.8), 0.04)
        pen.poly(_leaf(top, angle, length, width), t.leaf)
    outline = _bulb_outline(t, y)
    pen.poly(outline, t.cream, inked=False)
    cut = y + ry * t.cut
    pen.poly([p for p in outline if p[1] >= cut], t.crown, inked=False)
    pen.oval((-rx * 0.4, y + ry * 0.72), rx * 0.16, ry * 0.1, shade(t.crown, 1.35), ink=False)
    if pen.ink:
        pen.poly(outline, None)
    _face(pen, t, y)


def _leaf(base: Point, angle: float, length: float, width: float) -> list[Point]:
    """A frilled blade along `angle` (0 is straight up), starting at mid-stem."""
    side: list[Point] = []
    other: list[Point] = []
    ax, ay = math.sin(angle), math.cos(angle)
    for step in range(13):
        along = 0.35 + 0.65 * step / 12
        half = width * math.sin(math.pi * step / 12) * (1 + 0.18 * math.sin(step * 2.6))
        cx, cy = base[0] + ax * length * along, base[1] + ay * length * along
        side.append((cx + ay * half, cy - ax * half))
        other.append((cx - ay * half, cy + ax * half))
    return side + other[::-1]


def _face(pen: Pen, t: Traits, y: float) -> None:
    rx, ry = t.bulb
    eye_y = y + ry * 0.05
    spread = rx * 0.38
    size = 0.05 + rx * 0.06
    for side in (-1, 1):
        centre = (side * spread, eye_y)
        if t.eyes == "wide":
            pen.oval(centre, size * 1.3, size * 1.6, (255, 255, 255))
            pen.oval((centre[0] + size * 0.4, eye_y), size * 0.6, size * 0.7, INK, ink=False)
        elif t.eyes == "closed":
            pen.arc(centre, size * 1.2, size, 200, 340, 0.03)
        else:
            pen.oval(centre, size * 0.75, size, INK, ink=False)
        if t.eyes == "spectacles" or (t.eyes == "monocle" and side == 1):
            pen.arc(centre, size * 2.1, size * 2.1, 0, 360, 0.025)
        if t.brows != "none":
            # The outer end up (raised) or down (stern) from the inner one.
            tilt = {"flat": 0.0, "raised": 0.06, "stern": -0.06}[t.brows]
            brow = eye_y + size * 2.3
            inner, outer = centre[0] - side * size * 0.3, centre[0] + side * size * 1.6
            pen.line([(inner, brow), (outer, brow + tilt)], INK, 0.03)
        if t.blush:
            pen.oval(
                (side * spread * 1.45, eye_y - ry * 0.3),
                size * 1.3,
                size * 0.7,
                (238, 150, 160),
                ink=False,
            )
    if t.eyes == "spectacles":
        pen.line([(-spread + size * 2.1, eye_y), (spread - size * 2.1, eye_y)], INK, 0.025)
    if t.eyes == "monocle":
        pen.line(
            [(spread, eye_y - size * 2.1), (spread + rx * 0.3, y - ry * 0.9)], (200, 170, 60), 0.015
        )
    mouth_y = y - ry * 0.4
    width = rx * 0.3
    if t.mouth == "smile":
        pen.arc((0, mouth_y + width * 0.4), width, width * 0.6, 20, 160, 0.03)
    elif t.mouth == "frown":
        pen.arc((0, mouth_y - width * 0.4), width, width * 0.5, 200, 340, 0.03)
    elif t.mouth == "o":
        pen.oval((0, mouth_y), width * 0.3, width * 0.4, shade(t.crown, 0.4), ink=False)
    elif t.mouth == "moustache":
        for side in (-1, 1):
            pen.poly(
                [
                    (0, mouth_y + 0.04),
                    (side * width * 1.4, mouth_y + 0.1),
                    (side * width * 1.6, mouth_y + 0.2),
                    (side * width * 1.1, mouth_y),
                    (0, mouth_y - 0.02),
                ],
                INK,
                inked=False,
            )
    else:
        reach = width * (0.35 if t.mouth == "prim" else 0.8)
        pen.line([(-reach, mouth_y), (reach, mouth_y)], INK, 0.03)


def _collar(pen: Pen, t: Traits, top: float) -> None:
    """Starched wings over the root of the turnip, and the knot of the tie, bow or cravat."""
    for side in (-1, 1):
        pen.poly([(0, top - 0.12), (side * 0.26, top + 0.12), (side * 0.24, top - 0.08)], t.shirt)
    knot = (0.0, top - 0.06)
    if t.neckwear == "bow":
        for side in (-1, 1):
            pen.poly([knot, (side * 0.24, top + 0.06), (side * 0.24, top - 0.18)], t.accent)
        pen.oval(knot, 0.06, 0.06, shade(t.accent, 0.8))
    elif t.neckwear == "cravat":
        pen.oval((0, top - 0.18), 0.14, 0.2, t.accent)
        pen.oval(knot, 0.09, 0.07, shade(t.accent, 0.85))
    else:
        pen.poly(
            [(-0.07, top - 0.02), (0.07, top - 0.02), (0.05, top - 0.12), (-0.05, top - 0.12)],
            t.accent,
        )


def _hat(pen: Pen, t: Traits, y: float) -> None:
    rx, ry = t.bulb
    base = y + ry * 0.85
    if t.hat == "bowler":
        pen.oval((0, base + 0.2), rx * 0.7, 0.26, t.hat_colour)
        pen.oval((0, base), rx * 1.05, 0.07, t.hat_colour)
    elif t.hat == "top":
        pen.poly(
            [
                (-rx * 0.6, base),
                (rx * 0.6, base),
                (rx * 0.65, base + 0.75),
                (-rx * 0.65, base + 0.75),
            ],
            t.hat_colour,
        )
        pen.rect(-rx * 0.6, base + 0.06, rx * 0.6, base + 0.18, t.accent)
        pen.oval((0, base), rx * 1.0, 0.07, t.hat_colour)
    elif t.hat == "boater":
        straw = (222, 196, 120)
        pen.rect(-rx * 0.7, base, rx * 0.7, base + 0.25, straw)
        pen.rect(-rx * 0.7, base + 0.04, rx * 0.7, base + 0.13, t.accent)
        pen.oval((0, base), rx * 1.15, 0.07, straw)


def _arm(pen: Pen, t: Traits, side: int, angles: tuple[float, float], shoulder_y: float) -> Point:
    """Shoulder, elbow, gloved hand; returns where the hand is."""
    reach = 0.45 + t.torso * 0.2
    shoulder = (side * (t.shoulders / 2 - 0.05), shoulder_y - 0.12)
    upper, fore = angles
    elbow = (shoulder[0] + side * math.sin(upper) * reach, shoulder[1] - math.cos(upper) * reach)
    bend = upper + fore
    hand = (elbow[0] + side * math.sin(bend) * reach, elbow[1] - math.cos(bend) * reach)
    pen.line([shoulder, elbow, hand], shade(t.suit, 0.9), 0.22)
    pen.oval(hand, 0.11, 0.11, GLOVE)
    return hand


def _held(pen: Pen, t: Traits, hand: Point) -> None:
    """A cane or a furled umbrella down to the ground, or a briefcase."""
    x, y = hand
    if t.right_hand == "cane":
        pen.line([(x, y + 0.1), (x + 0.15, 0.0)], (96, 60, 32), 0.06)
        pen.arc((x - 0.1, y + 0.1), 0.1, 0.1, 180, 360, 0.06)
    elif t.right_hand == "umbrella":
        pen.line([(x, y + 0.2), (x + 0.1, 0.0)], INK, 0.03)
        pen.poly([(x - 0.01, y - 0.05), (x + 0.16, y - 0.1), (x + 0.09, 0.2)], shade(t.accent, 0.5))
    elif t.right_hand == "case":
        pen.rect(x - 0.35, y - 0.6, x + 0.35, y - 0.1, (110, 66, 38))
