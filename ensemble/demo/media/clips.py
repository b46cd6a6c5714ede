"""Short clips: the animators' pencil tests and the audience's phone videos of the reading.

Both are drawn frame by frame with Pillow and encoded by `encoding.mp4`. What stays
still is drawn once: the paper of a pencil test, the hall of the reading (drawn larger
than the frame, so a shaking, zoomed phone can be imitated by cropping a moving window).
Only the moving figure is drawn per frame.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import replace
from functools import cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from .encoding import mp4
from .figure import Pen, Pose, draw_figure, still, walking
from .pictures import Sketch
from .sound import room_sound
from .traits import INK, Traits, height, hsv, mix, seeded, shade, traits

FPS = 12
ANIMATION_SIZE = (480, 270)
PAPER = (244, 240, 226)
_MOTIONS = ("walk", "bob", "wave", "hop")
_PENCILS = {"colour": None, "graphite": (70, 70, 80), "blue pencil": (40, 80, 170)}


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own font (no file to ship or find), in the size asked."""
    return ImageFont.load_default(size)


def _frames(seconds: float) -> int:
    if seconds <= 0:
        raise ValueError("A clip lasts more than zero seconds.")
    return max(1, round(seconds * FPS))


def animation_test(seed: int, seconds: float = 2.0) -> bytes:
    """An MP4 (H.264) pencil test: the seed's gentleman walks, bobs, waves or hops."""
    count = _frames(seconds)
    return mp4(_pencil_test(seed, count), ANIMATION_SIZE, FPS)


def _pencil_test(seed: int, count: int) -> Iterator[Image.Image]:
    rng = seeded(f"animation {seed}")
    t = traits(seed)
    motion = rng.choice(_MOTIONS)
    pencil = _PENCILS[rng.choice(tuple(_PENCILS))]
    width, tall = ANIMATION_SIZE[0] * 2, ANIMATION_SIZE[1] * 2
    paper = Image.new("RGB", (width, tall), PAPER)
    draw = ImageDraw.Draw(paper)
    for peg in (-1, 0, 1):  # the peg bar holes that keep animation paper in register
        x = width / 2 + peg * width * 0.15
        draw.rounded_rectangle((x - 18, 10, x + 18, 26), 8, (200, 196, 184))
    floor = tall * 0.9
    draw.line([(0, floor), (width, floor)], (180, 176, 166), 3)
    draw.text((width - 20, tall - 16), f"test {seed}", (120, 116, 106), font(26), anchor="rb")
    scale = tall * 0.72 / height(t)
    for index in range(count):
        frame = paper.copy()
        draw = ImageDraw.Draw(frame)
        phase = 2 * math.pi * index / 8  # a step, bob or wave every 8 drawings
        pose, x = _motion(motion, t, phase, index / max(1, count - 1))
        draw_figure(Pen(draw, width * x, floor, scale, t), t, pose)
        draw.text((24, tall - 16), f"A-{index + 1:02d}", (120, 116, 106), font(26), anchor="lb")
        small = frame.reduce(2)
        if pencil is not None:
            small = ImageOps.colorize(small.convert("L"), black=pencil, white=PAPER)
        yield small


def _motion(motion: str, t: Traits, phase: float, progress: float) -> tuple[Pose, float]:
    """The pose for this drawing and where the figure stands (a fraction of the width)."""
    rest = still(t)
    if motion == "walk":
        return walking(phase), 0.2 + 0.6 * progress
    if motion == "bob":
        return replace(rest, lift=0.3 * abs(math.sin(phase))), 0.5
    if motion == "wave":
        arm = (2.0 + 0.25 * math.sin(phase), 0.7 + 0.5 * math.sin(phase))
        return Pose(arm, rest.right_arm, rest.left_leg, rest.right_leg), 0.5
    hop = max(0.0, math.sin(phase))
    return Pose((0.4 + hop, 0.3), (0.4 + hop, 0.3), -0.05, 0.05, 0.5 * hop), 0.5


def reading_video(seed: int, seconds: float = 3.0) -> bytes:
    """An MP4 (H.264 + AAC) as if filmed by someone in the audience of the live reading.

    Each seed is a different seat and phone: landscape or portrait, zoom, where the
    stage sits in the frame, colour cast, how much the hand shakes, and its own room sound.
    """
    rng = seeded(f"reading {seed}")
    size = (270, 480) if rng.random() < 0.4 else (480, 270)
    count = _frames(seconds)
    return mp4(_filmed(rng, size, count), size, FPS, room_sound(seed, count / FPS))


def _filmed(rng: random.Random, size: tuple[int, int], count: int) -> Iterator[Image.Image]:
    zoom = rng.uniform(1.25, 1.6)
    hall_tall = max(size[1], size[0] * 9 / 16) * zoom  # 16:9, covering the frame either way
    hall_size = (round(hall_tall * 16 / 9), round(hall_tall))
    hall, lectern = _hall(rng, hall_size)
    cast = hsv(rng.random(), 0.6, 0.9)  # the phone's white balance
    cast_amount = rng.uniform(0.0, 0.15)
    shake = rng.uniform(1.0, 5.0)
    centre_x = lectern[0] - size[0] / 2 + rng.uniform(-0.25, 0.25) * size[0]
    # From the reader's hair down to the heads of the people in front.
    centre_y = hall_size[1] * rng.uniform(0.49, 0.55) - size[1] / 2
    drift_x = drift_y = 0.0
    recording = rng.random() < 0.6
    for index in range(count):
        drift_x = 0.85 * drift_x + rng.gauss(0, shake)
        drift_y = 0.85 * drift_y + rng.gauss(0, shake)
        left = round(min(max(0.0, centre_x + drift_x), hall_size[0] - size[0]))
        top = round(min(max(0.0, centre_y + drift_y), hall_size[1] - size[1]))
        scene = hall.copy()
        _reader(ImageDraw.Draw(scene), lectern, hall_size[1], index)
        frame = scene.crop((left, top, left + size[0], top + size[1]))
        if cast_amount:
            frame = Image.blend(frame, Image.new("RGB", size, cast), cast_amount)
        if recording:
            draw = ImageDraw.Draw(frame)
            if index // 6 % 2 == 0:
                draw.ellipse((10, 10, 20, 20), (230, 40, 40))
            draw.text((26, 8), f"00:{index // FPS:02d}", (255, 255, 255), font(12))
        yield frame


def _hall(rng: random.Random, size: tuple[int, int]) -> tuple[Image.Image, tuple[float, float]]:
    """The hall, drawn once: curtains, stage, spotlight and the heads in front."""
    width, tall = size
    hall = Image.new("RGB", size, (48, 38, 46))  # the seats, lit a little from the stage
    draw = ImageDraw.Draw(hall)
    curtain = hsv(rng.choice((0.0, 0.6, 0.33, 0.8)), 0.7, 0.45)
    stage_top, stage_front = tall * 0.12, tall * 0.62
    for fold, left in enumerate(range(0, width, max(4, width // 24))):
        colour = curtain if fold % 2 else shade(curtain, 0.8)
        draw.rectangle((left, stage_top, left + width // 24, stage_front), colour)
    draw.text(
        (width / 2, stage_top + 6),
        "POETRY NIGHT",
        (236, 214, 150),
        font(max(10, tall // 18)),
        anchor="mt",
    )
    draw.polygon(
        [(0, stage_front), (width, stage_front), (width, tall * 0.72), (0, tall * 0.72)],
        (104, 70, 44),
    )
    lectern = (width * rng.uniform(0.4, 0.6), stage_front)
    light = Image.new("RGB", size, (255, 246, 210))
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse(
        (lectern[0] - tall * 0.3, stage_top, lectern[0] + tall * 0.3, stage_front + tall * 0.05), 80
    )
    hall.paste(light, (0, 0), mask.filter(ImageFilter.GaussianBlur(tall / 30)))
    _audience(draw, rng, width, tall)
    return hall, lectern


def _audience(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, tall: int) -> None:
    """Two rows of heads and shoulders between the phone and the stage."""
    head = tall * 0.07
    for row, (y, spacing) in enumerate(((tall * 0.88, 1.0), (tall * 0.98, 1.3))):
        x = -rng.uniform(0, head * 2)
        while x < width + head:
            r = head * spacing * rng.uniform(0.8, 1.1)
            dark = (10 + 8 * row, 8 + 8 * row, 12 + 8 * row)
            draw.ellipse((x - r, y - r * 1.2, x + r, y + r * 1.2), dark)
            draw.rectangle((x - r * 1.6, y + r * 0.8, x + r * 1.6, y + r * 3), dark)
            x += r * rng.uniform(2.6, 4.0)


def _reader(draw: ImageDraw.ImageDraw, lectern: tuple[float, float], tall: int, index: int) -> None:
    """The writer behind the lectern, head bobbing with the verse, mouth moving, page up."""
    k = Sketch(draw, *lectern, tall * 0.05)
    skin, hair, jacket, paper = (232, 190, 160), (90, 52, 30), (46, 84, 70), (250, 250, 244)
    draw.polygon(k.points((-1.3, 5.6), (1.3, 5.6), (1.5, 4), (-1.5, 4)), jacket)
    face = 6.4 - 0.08 * math.sin(index * 0.9)
    draw.ellipse(k.box(0, face, 0.85, 1), skin)
    draw.ellipse(k.box(0, face + 0.675, 0.9, 0.475), hair)
    draw.ellipse(k.box(0, face + 1.25, 0.4, 0.35), hair)  # a bun
    draw.ellipse(k.box(0, face - 0.5, 0.14, 0.04 + 0.08 * (index % 3 == 0)), (120, 50, 50))
    page = 4.9 + 0.1 * math.sin(index * 0.5)
    draw.rectangle(k.box(-0.6, page + 0.3, 0.5, 0.6), paper, INK)
    draw.rectangle(k.box(0.6, page + 0.3, 0.5, 0.6), mix(paper, jacket, 0.1), INK)
    for side in (-1, 1):
        draw.ellipse(k.box(side * 1.15, page, 0.2, 0.2), skin)
    draw.polygon(k.points((-1.4, 4), (1.4, 4), (1, 0), (-1, 0)), (86, 54, 30))
