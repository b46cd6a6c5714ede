"""Stills, title cards and credits in the rendered film."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from ensemble.timelines.plan import CreditCard, CreditSection, Still, TitleCard
from ensemble.timelines.render import render

from .media import BLACK, GREEN, RED, colour_at, film, frames_rgb, near, write_picture


def ignore(fraction: float) -> None:
    """A progress callback for tests that do not look at progress."""


def bright_rows(picture: np.ndarray) -> np.ndarray:
    """The rows of a frame where text is drawn (any pixel well above the background)."""
    return np.flatnonzero((picture.max(axis=2) > 120).any(axis=1))


def roll(people: int) -> tuple[CreditSection, ...]:
    return (
        CreditSection("Illustration", tuple(f"Person {n} — drawing" for n in range(people))),
        CreditSection("Thanks", ("Everyone who came",)),
    )


def test_a_still_is_held_for_its_seconds_fitted_on_black(tmp_path):
    picture = write_picture(tmp_path / "square.png", (100, 100), GREEN)
    out = tmp_path / "out.mp4"

    rendered = render(
        film(Still(name="still 1: “Field”", path=picture, seconds=1.5)),
        out,
        quality="final",
        progress=ignore,
    )

    assert rendered.seconds == 1.5
    frames = frames_rgb(out)
    assert len(frames) == 15
    assert near(colour_at(frames, 1.2, box=(40, 10, 120, 80)), GREEN)
    assert near(colour_at(frames, 1.2, box=(0, 0, 30, 90)), BLACK, 8)


def test_a_still_can_fill_the_frame(tmp_path):
    picture = write_picture(tmp_path / "square.png", (100, 100), GREEN, border=RED)
    out = tmp_path / "out.mp4"

    render(film(Still("still 1", picture, 1.0, fit="fill")), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert near(colour_at(frames, 0.5, box=(0, 20, 160, 70)), GREEN)  # its border cut off


def test_a_still_can_be_shown_at_its_own_size(tmp_path):
    # 320 × 180, its left quarter black: at its own size the middle 160 × 90 shows.
    picture = Image.new("RGB", (320, 180), RED)
    picture.paste((0, 0, 0), (0, 0, 80, 180))
    path = tmp_path / "large.png"
    picture.save(path)
    out = tmp_path / "out.mp4"

    render(film(Still("still 1", path, 1.0, fit="crop")), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert near(colour_at(frames, 0.5, box=(0, 0, 8, 90)), RED)
    assert near(colour_at(frames, 0.5), RED)


def test_a_phone_photo_is_turned_upright(tmp_path):
    # Stored landscape, left half black, EXIF orientation 6 (turn 90° clockwise to show).
    stored = Image.new("RGB", (160, 90), RED)
    stored.paste((0, 0, 0), (0, 0, 80, 90))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    stored.save(path, "JPEG", exif=exif, quality=95)
    out = tmp_path / "out.mp4"

    render(film(Still("still 1", path, 1.0)), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert near(colour_at(frames, 0.5, box=(64, 4, 96, 40)), BLACK, 12)  # top half
    assert near(colour_at(frames, 0.5, box=(64, 50, 96, 86)), RED)


@pytest.mark.slow  # writes and reads a 70-megapixel picture
def test_a_huge_still_is_shown_scaled_down(tmp_path):
    path = write_picture(tmp_path / "huge.jpg", (10_000, 7_000), RED, fmt="JPEG")
    out = tmp_path / "out.mp4"

    render(film(Still("still 1: “Huge”", path, 0.5)), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert len(frames) == 5
    assert near(colour_at(frames, 0.2, box=(24, 4, 136, 86)), RED)


def test_a_title_card_draws_light_text_on_a_dark_background(tmp_path):
    out = tmp_path / "out.mp4"
    card = TitleCard("title card", "The Turnip", "a film by the village", 1.0)

    render(film(card), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    picture = frames[5][1]
    assert np.median(picture) < 40  # dark
    rows = bright_rows(picture)
    assert rows.size  # text drawn
    assert rows.min() > 10  # centred, away from the edges
    assert rows.max() < 80
    assert np.array_equal(frames[0][1] > 120, frames[-1][1] > 120)  # held still


def test_credits_scroll_up_through_the_frame(tmp_path):
    out = tmp_path / "out.mp4"
    card = CreditCard("credits", roll(people=6), seconds=3.0, style="scroll")

    render(film(card), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert not bright_rows(frames[0][1]).size  # the roll starts below the frame
    early, later = bright_rows(frames[8][1]), bright_rows(frames[12][1])
    assert early.size
    assert later.size
    assert later.min() < early.min()  # the text moved up
    assert not np.array_equal(frames[8][1], frames[12][1])


def test_credit_pages_change_and_hold_in_between(tmp_path):
    out = tmp_path / "out.mp4"
    card = CreditCard("credits", roll(people=20), seconds=4.0, style="pages")

    render(film(card), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert all(bright_rows(picture).size for _, picture in frames)
    differences = [
        np.abs(before.astype(int) - after.astype(int)).mean()
        for (_, before), (_, after) in itertools.pairwise(frames)
    ]
    changes = [difference > 2 for difference in differences]
    assert sum(changes) >= 2  # 20 names do not fit 90 pixels: three pages or more
    assert sum(changes) <= len(frames) // 4  # each page holds for several frames


def test_a_long_credit_roll_reaches_its_last_line(tmp_path):
    out = tmp_path / "out.mp4"
    card = CreditCard("credits", roll(people=300), seconds=4.0, style="scroll")

    render(film(card), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert bright_rows(frames[-1][1]).size  # the last line is just leaving
    assert bright_rows(frames[-1][1]).max() < 30


def test_a_credit_card_cut_by_a_preview_moves_as_the_whole_card(tmp_path):
    whole, part = tmp_path / "whole.mp4", tmp_path / "part.mp4"
    card = CreditCard("credits", roll(people=8), seconds=3.0, style="scroll")
    render(film(card), whole, quality="final", progress=ignore)
    render(
        film(replace(card, seconds=1.0, lead=1.0, full=3.0)), part, quality="final", progress=ignore
    )

    shown, cut = frames_rgb(whole), frames_rgb(part)
    fps = round(1 / (shown[1][0] - shown[0][0]))
    assert len(cut) == fps
    for n, (_, picture) in enumerate(cut):  # the whole card's second second, frame by frame
        expected = shown[fps + n][1]
        assert np.abs(picture.astype(int) - expected.astype(int)).mean() < 1.5
