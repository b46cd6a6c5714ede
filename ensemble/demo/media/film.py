"""The finished short film: title card, the chosen pictures, end card, the score beneath.

Why it is built this way: the demo's film is a remix whose sources are real records (the
selected illustrations and backgrounds, the score), so it takes their bytes as given and
assembles them, as an editor would. Each picture is letterboxed once onto a soft wash of
its own colours, then slowly pushed in (a zoom of a few percent over its time on
screen), and each shot dissolves into the next. The soundtrack is decoded, looped or
trimmed to the picture's length, faded out, and encoded again as the film's AAC track.
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Iterator

from PIL import Image, ImageDraw

from .clips import FPS, font
from .encoding import RATE, check_even, decode_sound, mp4

TITLE = "The Man With a Turnip for a Head"
CARD_SECONDS = 2.0
_DISSOLVE = 0.4
_PUSH_IN = 0.06
_NIGHT = (34, 24, 44)
_CREAM = (246, 236, 210)


def film(
    pictures: list[bytes],
    soundtrack: bytes,
    seconds_per_picture: float = 1.5,
    size: tuple[int, int] = (640, 360),
) -> bytes:
    """An MP4 (H.264 + AAC) of `pictures` (PNG, JPEG… bytes) between a title and an end
    card, lasting 2 × CARD_SECONDS + len(pictures) × seconds_per_picture."""
    check_even(size)
    if seconds_per_picture <= 0:
        raise ValueError("Each picture must stay on screen for some time.")
    shots = [_card(size, TITLE, "an Ensemble production")]
    shots += [_letterboxed(Image.open(io.BytesIO(data)), size) for data in pictures]
    shots.append(_card(size, "The End", "words, pictures and music by the Ensemble community"))
    lengths = [CARD_SECONDS] + [seconds_per_picture] * len(pictures) + [CARD_SECONDS]
    count = round(sum(lengths) * FPS)
    sound = _fitted(decode_sound(soundtrack), count / FPS)
    return mp4(_timeline(shots, lengths, count), size, FPS, sound)


def _timeline(shots: list[Image.Image], lengths: list[float], count: int) -> Iterator[Image.Image]:
    """Every frame: the shot on screen, pushed in a little, dissolving into the next
    during the last `_DISSOLVE` seconds of its time. One frame at a time: a list of
    them would take a hundred megabytes."""
    shot, start = 0, 0.0
    for index in range(count):
        time = index / FPS
        while shot < len(shots) - 1 and time >= start + lengths[shot]:
            start += lengths[shot]
            shot += 1
        into = time - start
        frame = _pushed(shots[shot], into / lengths[shot])
        dissolve = min(_DISSOLVE, lengths[shot] / 2)
        if shot < len(shots) - 1 and into > lengths[shot] - dissolve:
            amount = (into - (lengths[shot] - dissolve)) / dissolve
            frame = Image.blend(frame, _pushed(shots[shot + 1], 0.0), amount)
        yield frame


def _pushed(shot: Image.Image, progress: float) -> Image.Image:
    """The shot cropped towards its centre by up to `_PUSH_IN` and scaled back up."""
    if progress <= 0:
        return shot
    width, tall = shot.size
    margin = _PUSH_IN * min(1.0, progress) / 2
    box = (width * margin, tall * margin, width * (1 - margin), tall * (1 - margin))
    return shot.resize(shot.size, Image.Resampling.BILINEAR, box=box)


def _letterboxed(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The whole picture, as large as fits, on a blur of its own colours (a thumbnail of
    4×3 pixels blown up: much cheaper than a real blur)."""
    picture = picture.convert("RGB")
    wash = picture.resize((4, 3), Image.Resampling.BOX).resize(size, Image.Resampling.BICUBIC)
    wash = Image.blend(wash, Image.new("RGB", size, _NIGHT), 0.45)
    ratio = min(size[0] / picture.width, size[1] / picture.height)
    fitted = picture.resize(
        (max(1, round(picture.width * ratio)), max(1, round(picture.height * ratio))),
        Image.Resampling.LANCZOS,
    )
    wash.paste(fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2))
    return wash


def _card(size: tuple[int, int], title: str, line: str) -> Image.Image:
    """Cream lettering on night purple, with a small turnip above the title."""
    width, tall = size
    card = Image.new("RGB", size, _NIGHT)
    draw = ImageDraw.Draw(card)
    x, y, r = width / 2, tall * 0.25, tall * 0.07
    for lean in (-1.0, 0.0, 1.0):  # three leaves fanning out of the crown
        tip = (x + lean * r * 0.9, y - r * (2.1 - abs(lean) * 0.4))
        draw.polygon([(x - r * 0.15, y - r * 0.8), tip, (x + r * 0.15, y - r * 0.8)], (96, 160, 72))
    draw.ellipse((x - r, y - r, x + r, y + r), _CREAM)
    draw.chord((x - r, y - r, x + r, y + r), 180, 360, (140, 60, 150))
    draw.polygon([(x - r * 0.5, y + r * 0.8), (x + r * 0.5, y + r * 0.8), (x, y + r * 1.7)], _CREAM)
    size_title = max(12, round(min(width / (0.62 * len(title)), tall / 9)))
    draw.text((x, tall * 0.55), title, _CREAM, font(size_title), anchor="mm")
    draw.text((x, tall * 0.72), line, (190, 176, 200), font(max(9, size_title // 2)), anchor="mm")
    return card


def _fitted(sound: array, seconds: float) -> array:
    """Looped or trimmed to `seconds`, fading out over the last second."""
    needed = round(seconds * RATE)
    if not sound:
        return array("h", bytes(2 * needed))
    fitted = array("h")
    while len(fitted) < needed:
        fitted.extend(sound[: needed - len(fitted)])
    fade = min(needed, RATE)
    for index in range(fade):
        fitted[needed - 1 - index] = fitted[needed - 1 - index] * index // fade
    return fitted
