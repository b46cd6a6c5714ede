"""What makes each turnip-headed gentleman himself: a trait sheet drawn from a seed.

Every visible choice (palette, turnip, suit, neckwear, hat, face, arms) is drawn up front
from one `random.Random(seed)`, in a fixed order, so a seed always means the same man and
drawing (`figure.py`) is a pure function of his traits. Also the few colour helpers the
pictures share.
"""

from __future__ import annotations

import colorsys
import random
from dataclasses import dataclass

RGB = tuple[int, int, int]
Point = tuple[float, float]

INK: RGB = (34, 28, 30)
RIGHT_HANDS = ("sides", "hip", "wave", "tip", "cane", "umbrella", "case")
LEFT_HANDS = ("sides", "hip", "behind")
HATS = ("none", "bowler", "top", "boater")
NECKWEAR = ("tie", "bow", "cravat")
EYES = ("dots", "wide", "closed", "monocle", "spectacles")
MOUTHS = ("smile", "flat", "o", "prim", "frown", "moustache")
BROWS = ("none", "flat", "raised", "stern")


def seeded(name: int | str) -> random.Random:
    """The generator for one picture, clip or sound. Never the global one: the same
    name must give the same media whatever ran before."""
    return random.Random(name)  # noqa: S311 (drawing pictures, not keeping secrets)


def hsv(hue: float, saturation: float, value: float) -> RGB:
    red, green, blue = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    return (round(red * 255), round(green * 255), round(blue * 255))


def shade(colour: RGB, factor: float) -> RGB:
    """Darker below 1, lighter above (towards white), for lapels, shadows and shine."""
    if factor <= 1:
        return (round(colour[0] * factor), round(colour[1] * factor), round(colour[2] * factor))
    mix = min(1.0, factor - 1)
    return (
        round(colour[0] + (255 - colour[0]) * mix),
        round(colour[1] + (255 - colour[1]) * mix),
        round(colour[2] + (255 - colour[2]) * mix),
    )


@dataclass(frozen=True)
class Traits:
    """Everything that makes one gentleman look unlike the others."""

    backdrop: RGB
    backdrop_alt: RGB
    pattern: str
    cream: RGB
    crown: RGB
    leaf: RGB
    bulb: tuple[float, float]  # half width, half height
    tail: float  # how far the root tapers below the bulb, in half heights
    cut: float  # where the purple crown starts, in half heights above the centre
    leaves: tuple[tuple[float, float, float], ...]  # angle, length, width
    eyes: str
    brows: str
    mouth: str
    blush: bool
    suit: RGB
    shirt: RGB
    trousers: RGB
    neckwear: str
    accent: RGB
    buttons: int
    double_breasted: bool
    pocket_square: bool
    hat: str
    hat_colour: RGB
    legs: float
    torso: float
    shoulders: float
    hem: float
    stance: float
    left_hand: str
    right_hand: str
    lean: float
    outline: int  # 0: flat colour, 1: thin ink, 2: thick comic ink


def traits(seed: int) -> Traits:
    rng = seeded(seed)
    backdrop_hue = rng.random()
    suit_hue = rng.random()
    loud_suit = rng.random() < 0.2
    return Traits(
        backdrop=hsv(backdrop_hue, rng.uniform(0.15, 0.55), rng.uniform(0.72, 0.97)),
        backdrop_alt=hsv(backdrop_hue + rng.uniform(-0.12, 0.12), rng.uniform(0.2, 0.6), 0.8),
        pattern=rng.choice(("plain", "stripes", "dots", "checks", "rays", "floor")),
        cream=hsv(rng.uniform(0.1, 0.17), rng.uniform(0.04, 0.2), rng.uniform(0.9, 0.99)),
        crown=hsv(rng.uniform(0.72, 0.97), rng.uniform(0.45, 0.85), rng.uniform(0.45, 0.85)),
        leaf=hsv(rng.uniform(0.2, 0.4), rng.uniform(0.45, 0.85), rng.uniform(0.4, 0.8)),
        bulb=(rng.uniform(0.55, 0.8), rng.uniform(0.45, 0.68)),
        tail=rng.uniform(0.5, 1.1),
        cut=rng.uniform(0.05, 0.45),
        leaves=tuple(
            (rng.uniform(-0.9, 0.9), rng.uniform(0.45, 1.15), rng.uniform(0.1, 0.24))
            for _ in range(rng.randint(2, 6))
        ),
        eyes=rng.choice(EYES),
        brows=rng.choice(BROWS),
        mouth=rng.choice(MOUTHS),
        blush=rng.random() < 0.4,
        suit=hsv(suit_hue, rng.uniform(0.25, 0.75), rng.uniform(0.6, 0.8) if loud_suit else 0.35),
        shirt=hsv(rng.uniform(0.0, 1.0), rng.uniform(0.0, 0.15), rng.uniform(0.92, 1.0)),
        trousers=hsv(suit_hue, rng.uniform(0.1, 0.6), rng.uniform(0.15, 0.45)),
        neckwear=rng.choice(NECKWEAR),
        accent=hsv(rng.random(), rng.uniform(0.55, 0.95), rng.uniform(0.55, 0.95)),
        buttons=rng.randint(1, 4),
        double_breasted=rng.random() < 0.3,
        pocket_square=rng.random() < 0.5,
        hat=rng.choice(HATS),
        hat_colour=hsv(rng.random(), rng.uniform(0.0, 0.5), rng.uniform(0.1, 0.5)),
        legs=rng.uniform(0.9, 1.5),
        torso=rng.uniform(1.1, 1.6),
        shoulders=rng.uniform(0.8, 1.3),
        hem=rng.uniform(0.75, 1.25),
        stance=rng.uniform(0.0, 0.18),
        left_hand=rng.choice(LEFT_HANDS),
        right_hand=rng.choice(RIGHT_HANDS),
        lean=rng.uniform(-0.08, 0.08),
        outline=rng.choice((0, 1, 1, 2)),
    )


def height(t: Traits) -> float:
    """From the soles to the tallest leaf or hat, to fit the figure in a picture."""
    top = t.legs + t.torso + t.bulb[1] * (1.55 + 0.6 * t.tail)
    hat = {"none": 0.0, "bowler": 0.45, "top": 0.8, "boater": 0.3}[t.hat]
    return top + max(hat, max(length for _, length, _ in t.leaves) * 0.8)


def mix(first: RGB, second: RGB, amount: float) -> RGB:
    """Part way from `first` to `second`."""
    return (
        round(first[0] + (second[0] - first[0]) * amount),
        round(first[1] + (second[1] - first[1]) * amount),
        round(first[2] + (second[2] - first[2]) * amount),
    )
