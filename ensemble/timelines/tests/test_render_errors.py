"""A render that cannot be made says which item to fix, and leaves no file behind."""

from __future__ import annotations

import pytest

from ensemble.timelines.plan import Output, Plan, Still, TitleCard
from ensemble.timelines.render import RenderError, render

from .media import BLUE, RED, clip, film, sound, write_clip, write_tone

NAME = "video 3: “Morning walk”"


def ignore(fraction: float) -> None:
    """A progress callback for tests that do not look at progress."""


def card(seconds: float) -> TitleCard:
    return TitleCard(name="title card", title="Sound", subtitle="", seconds=seconds)


def refused(plan: Plan, out) -> str:
    """The message of the RenderError the render raises; the output must not remain."""
    with pytest.raises(RenderError) as raised:
        render(plan, out, quality="final", progress=ignore)
    assert not out.exists()
    return raised.value.message


@pytest.fixture(scope="module")
def two_seconds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    return write_clip(folder / "two.mp4", [(1.0, RED), (1.0, BLUE)])


def test_a_clip_past_the_end_of_its_file_is_refused_with_both_times(tmp_path, two_seconds):
    message = refused(film(clip(two_seconds, 1.0, 3.5, name=NAME)), tmp_path / "out.mp4")

    assert message == f"{NAME}: the clip ends at 3.5 s, but the video lasts 2.0 s."


def test_a_clip_ending_within_a_frame_of_the_file_s_end_is_fine(tmp_path, two_seconds):
    out = tmp_path / "out.mp4"

    render(film(clip(two_seconds, 1.0, 2.05)), out, quality="final", progress=ignore)

    assert out.exists()


def test_a_failure_after_the_first_shots_leaves_no_file(tmp_path, two_seconds):
    plan = film(clip(two_seconds, 0, 2, name="video 1"), clip(two_seconds, 0, 5, name=NAME))

    message = refused(plan, tmp_path / "out.mp4")

    assert message.startswith(f"{NAME}: the clip ends at 5.0 s")


def test_a_file_without_video_used_as_a_clip_is_refused(tmp_path):
    tone = write_tone(tmp_path / "tone.wav")

    message = refused(film(clip(tone, 0, 1, name=NAME)), tmp_path / "out.mp4")

    assert message == f"{NAME}: the file has no video in it."


def test_a_file_without_sound_used_as_a_sound_is_refused(tmp_path, two_seconds):
    plan = film(card(1), tracks=[[sound(two_seconds, 0, 1, name="sound 2: “Birds”")]])

    message = refused(plan, tmp_path / "out.mp4")

    assert message == "sound 2: “Birds”: the file has no sound in it."


def test_a_sound_past_the_end_of_its_file_is_refused_with_both_times(tmp_path):
    tone = write_tone(tmp_path / "tone.wav", seconds=1.0)
    plan = film(card(3), tracks=[[sound(tone, 0.5, 2.5, name="sound 2: “Birds”")]])

    message = refused(plan, tmp_path / "out.mp4")

    assert message == "sound 2: “Birds”: the sound ends at 2.5 s, but the file lasts 1.0 s."


def test_an_audio_production_past_the_end_of_its_file_is_refused(tmp_path):
    tone = write_tone(tmp_path / "tone.wav", seconds=1.0)
    plan = Plan(
        output=Output(160, 90, 10), shots=(), tracks=((sound(tone, 0, 2, name="sound 1"),),)
    )

    message = refused(plan, tmp_path / "out.m4a")

    assert message.startswith("sound 1: the sound ends at 2.0 s")


def test_garbage_bytes_are_refused_naming_the_clip(tmp_path):
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 40)

    message = refused(film(clip(garbage, 0, 1, name=NAME)), tmp_path / "out.mp4")

    assert message.startswith(f"{NAME}: the file could not be")


def test_a_truncated_video_is_refused_naming_the_clip(tmp_path):
    source = write_clip(tmp_path / "whole.mkv", [(1.0, RED), (1.0, BLUE)], container="mkv")
    data = source.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: len(data) // 2])

    message = refused(film(clip(cut, 0, 2, name=NAME)), tmp_path / "out.mp4")

    assert message.startswith(f"{NAME}: ")


def test_a_damaged_sound_is_refused_naming_it(tmp_path):
    damaged = tmp_path / "damaged.flac"
    damaged.write_bytes(b"fLaC" + bytes(range(256)) * 20)
    plan = film(card(1), tracks=[[sound(damaged, 0, 1, name="sound 4: “Rain”")]])

    message = refused(plan, tmp_path / "out.mp4")

    assert message.startswith("sound 4: “Rain”: ")


def test_a_damaged_still_is_refused_naming_it(tmp_path):
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))

    message = refused(film(Still("still 2: “Map”", damaged, 1.0)), tmp_path / "out.mp4")

    assert message == (
        "still 2: “Map”: the picture could not be read (the file is damaged or not a picture)."
    )


def test_an_empty_timeline_is_refused(tmp_path):
    plan = Plan(output=Output(160, 90, 10), shots=(), tracks=())

    assert refused(plan, tmp_path / "out.mp4") == (
        "The timeline is empty: there is nothing to render."
    )
