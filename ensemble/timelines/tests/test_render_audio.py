"""Sound in the render: placed, trimmed, gained, faded, mixed, and audio-only productions.

Tones are 440 Hz sines of a known peak; the output is decoded back to 48 kHz stereo and
measured in windows (AAC is lossy: levels are compared within a few percent).
"""

from __future__ import annotations

import av
import pytest

from ensemble.timelines.plan import Output, Plan, TitleCard
from ensemble.timelines.render import Rendered, render

from .media import film, peak, samples, sound, top_level_boxes, write_tone

RATE = 48000


def ignore(fraction: float) -> None:
    """A progress callback for tests that do not look at progress."""


def card(seconds: float) -> TitleCard:
    """A cheap picture for a film whose sound is being tested."""
    return TitleCard(name="title card", title="Sound", subtitle="", seconds=seconds)


def window(heard, start: float, end: float):
    return heard[:, round(start * RATE) : round(end * RATE)]


@pytest.fixture(scope="module")
def tone(tmp_path_factory):
    """Three seconds of 440 Hz at half of full scale, 48 kHz stereo WAV."""
    folder = tmp_path_factory.mktemp("sounds")
    return write_tone(folder / "tone.wav", seconds=3.0, amplitude=0.5)


def test_minus_six_decibels_is_half_the_amplitude(tmp_path, tone):
    out = tmp_path / "out.mp4"

    render(
        film(card(2), tracks=[[sound(tone, 0, 2, gain_db=-6)]]),
        out,
        quality="final",
        progress=ignore,
    )

    heard = samples(out)
    assert peak(window(heard, 0.5, 1.5)) == pytest.approx(0.5 * 10 ** (-6 / 20), rel=0.05)


def test_a_fade_in_starts_near_silence(tmp_path, tone):
    out = tmp_path / "out.mp4"

    render(
        film(card(2), tracks=[[sound(tone, 0, 2, fade_in=1.0)]]),
        out,
        quality="final",
        progress=ignore,
    )

    heard = samples(out)
    assert peak(window(heard, 0.0, 0.05)) < 0.05
    assert peak(window(heard, 0.45, 0.55)) == pytest.approx(0.25, rel=0.1)
    assert peak(window(heard, 1.2, 1.8)) == pytest.approx(0.5, rel=0.05)


def test_a_fade_out_ends_near_silence(tmp_path, tone):
    out = tmp_path / "out.mp4"

    render(
        film(card(2), tracks=[[sound(tone, 0, 2, fade_out=0.5)]]),
        out,
        quality="final",
        progress=ignore,
    )

    heard = samples(out)
    assert peak(window(heard, 0.5, 1.4)) == pytest.approx(0.5, rel=0.05)
    assert peak(window(heard, 1.96, 2.0)) < 0.05


def test_two_tracks_are_mixed_by_summing(tmp_path):
    quiet = write_tone(tmp_path / "quiet.wav", seconds=2.0, amplitude=0.2)
    out = tmp_path / "out.mp4"
    tracks = [[sound(quiet, 0, 2, name="sound 1")], [sound(quiet, 0, 2, name="sound 2")]]

    render(film(card(2), tracks=tracks), out, quality="final", progress=ignore)

    assert peak(window(samples(out), 0.5, 1.5)) == pytest.approx(0.4, rel=0.05)


def test_a_sound_placed_at_one_second_is_silent_before_it(tmp_path, tone):
    out = tmp_path / "out.mp4"

    render(
        film(card(2), tracks=[[sound(tone, 0, 1, at=1.0)]]), out, quality="final", progress=ignore
    )

    heard = samples(out)
    assert peak(window(heard, 0.0, 0.95)) < 0.01
    assert peak(window(heard, 1.1, 1.9)) == pytest.approx(0.5, rel=0.05)


def test_a_trimmed_sound_starts_at_its_start(tmp_path):
    late = write_tone(
        tmp_path / "late.flac", seconds=1.0, amplitude=0.5, silence=1.0, container="flac"
    )
    out = tmp_path / "out.mp4"

    render(film(card(1), tracks=[[sound(late, 1.0, 2.0)]]), out, quality="final", progress=ignore)

    heard = samples(out)
    assert peak(window(heard, 0.05, 0.9)) == pytest.approx(0.5, rel=0.05)


def test_sound_past_the_last_shot_is_cut(tmp_path, tone):
    out = tmp_path / "out.mp4"

    rendered = render(
        film(card(1), tracks=[[sound(tone, 0, 3)]]), out, quality="final", progress=ignore
    )

    assert rendered.seconds == 1.0
    assert abs(samples(out).shape[1] - RATE) <= 1024


def test_a_mono_sound_plays_in_both_channels_at_full_level(tmp_path):
    mono = write_tone(tmp_path / "mono.wav", seconds=1.0, amplitude=0.5, layout="mono")
    out = tmp_path / "out.mp4"

    render(film(card(1), tracks=[[sound(mono, 0, 1)]]), out, quality="final", progress=ignore)

    heard = window(samples(out), 0.2, 0.8)
    assert peak(heard[0]) == pytest.approx(0.5, rel=0.05)
    assert peak(heard[1]) == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize(
    ("rate", "layout", "container"),
    [
        (8000, "mono", "wav"),
        (11025, "stereo", "wav"),
        (44100, "stereo", "flac"),
        (96000, "stereo", "wav"),
        (48000, "5.1", "wav"),
        (44100, "stereo", "m4a"),
    ],
)
def test_sounds_of_any_rate_and_layout_are_mixed(tmp_path, rate, layout, container):
    path = write_tone(
        tmp_path / f"tone.{container}",
        seconds=1.2,
        amplitude=0.3,
        rate=rate,
        layout=layout,
        container=container,
    )
    out = tmp_path / "out.mp4"

    render(film(card(1), tracks=[[sound(path, 0.1, 1.1)]]), out, quality="final", progress=ignore)

    heard = samples(out)
    assert abs(heard.shape[1] - RATE) <= 1024
    # 5.1 folds down with the centre at -3 dB plus the front channel: louder than one.
    assert 0.25 < peak(window(heard, 0.2, 0.8)) <= 1.0


def test_an_audio_production_is_an_m4a_without_video(tmp_path, tone):
    out = tmp_path / "out.m4a"
    plan = Plan(
        output=Output(width=1280, height=720, fps=30),
        shots=(),
        tracks=((sound(tone, 0, 1.5, at=0.5),),),
    )

    rendered = render(plan, out, quality="final", progress=ignore)

    assert rendered == Rendered(seconds=2.0, width=0, height=0, kind="audio", mime="audio/mp4")
    with av.open(str(out)) as container:
        assert not container.streams.video
        assert container.streams.audio[0].codec_context.name == "aac"
        assert abs(container.duration / av.time_base - 2.0) < 0.05
    heard = samples(out)
    assert peak(window(heard, 0.0, 0.45)) < 0.01
    assert peak(window(heard, 1.0, 1.5)) == pytest.approx(0.5, rel=0.05)
    boxes = top_level_boxes(out)
    assert boxes.index("moov") < boxes.index("mdat")
