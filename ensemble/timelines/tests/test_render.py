"""The renderer's film output: shots in order, trimmed, framed, at the right size and rate.

Every test renders a tiny timeline (160 × 90 at 10 fps) from media it writes itself and
decodes the MP4 that comes out.
"""

from __future__ import annotations

import av
import pytest

from ensemble.timelines import render as render_module
from ensemble.timelines.plan import Output, TitleCard
from ensemble.timelines.render import Rendered, render

from .media import (
    BLACK,
    BLUE,
    GREEN,
    RED,
    YELLOW,
    clip,
    colour_at,
    film,
    frames_rgb,
    near,
    peak,
    samples,
    top_level_boxes,
    write_clip,
    write_variable_rate_clip,
)


def ignore(fraction: float) -> None:
    """A progress callback for tests that do not look at progress."""


@pytest.fixture(scope="module")
def red_then_blue(tmp_path_factory):
    """Two seconds at 160 × 90, 10 fps: red for the first second, blue for the second."""
    folder = tmp_path_factory.mktemp("sources")
    return write_clip(folder / "red-blue.mp4", [(1.0, RED), (1.0, BLUE)])


def test_shots_come_out_in_order_with_their_length_and_colours(tmp_path, red_then_blue):
    green = write_clip(tmp_path / "green.mp4", [(1.0, GREEN)])
    out = tmp_path / "out.mp4"

    rendered = render(
        film(clip(red_then_blue, 0, 2), clip(green, 0, 1)), out, quality="final", progress=ignore
    )

    assert rendered == Rendered(seconds=3.0, width=160, height=90, kind="video", mime="video/mp4")
    with av.open(str(out)) as container:
        assert abs(container.duration / av.time_base - 3.0) <= 0.1 + 0.03  # a frame, AAC's tail
        video = container.streams.video[0]
        assert (video.codec_context.name, video.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert container.streams.audio[0].codec_context.name == "aac"
    frames = frames_rgb(out)
    assert len(frames) == 30
    assert [round(time, 2) for time, _ in frames] == [n / 10 for n in range(30)]
    assert near(colour_at(frames, 0.5), RED)
    assert near(colour_at(frames, 1.5), BLUE)
    assert near(colour_at(frames, 2.5), GREEN)


def test_in_and_out_points_take_the_right_part(tmp_path, red_then_blue):
    out = tmp_path / "out.mp4"

    render(film(clip(red_then_blue, 0.8, 1.4)), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert len(frames) == 6
    assert near(colour_at(frames, 0.0), RED)  # 0.8 s of the source
    assert near(colour_at(frames, 0.1), RED)  # 0.9 s
    assert near(colour_at(frames, 0.2), BLUE)  # 1.0 s
    assert near(colour_at(frames, 0.5), BLUE)


def test_a_clip_already_in_the_output_s_size_and_colours_passes_through(tmp_path):
    # Tagged BT.709 at the output's size: swscale has nothing to do and the decoded frame
    # itself is encoded (and restamped), which must not disturb the reading of the clip.
    ready = write_clip(tmp_path / "ready.mp4", [(1.0, RED), (1.0, BLUE)], bt709=True)
    out = tmp_path / "out.mp4"

    render(film(clip(ready, 0.5, 2.0)), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert len(frames) == 15
    assert near(colour_at(frames, 0.2), RED, 8)
    assert near(colour_at(frames, 1.2), BLUE, 8)


def test_fit_shows_a_narrower_picture_whole_between_black_bars(tmp_path):
    narrow = write_clip(tmp_path / "4x3.mp4", [(1.0, RED)], size=(120, 90))
    out = tmp_path / "out.mp4"

    render(film(clip(narrow, 0, 1, fit="fit")), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert near(colour_at(frames, 0.5, box=(0, 0, 16, 90)), BLACK, 8)
    assert near(colour_at(frames, 0.5, box=(144, 0, 160, 90)), BLACK, 8)
    assert near(colour_at(frames, 0.5, box=(24, 0, 136, 90)), RED)


def test_fill_covers_the_frame_cropping_the_overflow(tmp_path):
    narrow = write_clip(tmp_path / "4x3.mp4", [(1.0, RED)], size=(120, 90))
    out = tmp_path / "out.mp4"

    render(film(clip(narrow, 0, 1, fit="fill")), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    for box in [(0, 0, 8, 90), (152, 0, 160, 90), (0, 0, 160, 8), (0, 82, 160, 90)]:
        assert near(colour_at(frames, 0.5, box=box), RED)


def test_crop_shows_a_small_picture_at_its_own_size_on_black(tmp_path):
    small = write_clip(tmp_path / "small.mp4", [(1.0, RED)], size=(64, 48))
    out = tmp_path / "out.mp4"

    render(film(clip(small, 0, 1, fit="crop")), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    # 64 × 48 centred in 160 × 90: columns 48–112, rows 20–68 (offsets rounded to even).
    assert near(colour_at(frames, 0.5, box=(52, 24, 108, 64)), RED)
    assert near(colour_at(frames, 0.5, box=(0, 0, 44, 90)), BLACK, 8)
    assert near(colour_at(frames, 0.5, box=(0, 0, 160, 16)), BLACK, 8)


def test_crop_shows_the_middle_of_a_large_picture_at_its_own_size(tmp_path):
    # 320 × 180 with its left quarter black: the middle 160 × 90 is all red.
    large = write_clip(tmp_path / "large.mp4", [(1.0, RED)], size=(320, 180), black_left=0.25)
    out = tmp_path / "out.mp4"

    render(film(clip(large, 0, 1, fit="crop")), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert near(colour_at(frames, 0.5, box=(0, 0, 8, 90)), RED)  # fit would show black here
    assert near(colour_at(frames, 0.5), RED)


def test_a_phone_video_is_turned_upright(tmp_path):
    # Stored landscape with its left half black, to be turned 90° clockwise for display:
    # upright it is a portrait picture whose top half is black.
    phone = write_clip(
        tmp_path / "phone.mp4", [(1.0, RED)], size=(160, 90), rotation=90, black_left=0.5
    )
    out = tmp_path / "out.mp4"

    render(film(clip(phone, 0, 1, fit="fit")), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    # 90 × 160 fitted into 160 × 90 is 50 or 52 wide, centred: columns about 54–106.
    assert near(colour_at(frames, 0.5, box=(64, 4, 96, 40)), BLACK, 12)
    assert near(colour_at(frames, 0.5, box=(64, 50, 96, 86)), RED)
    assert near(colour_at(frames, 0.5, box=(0, 0, 40, 90)), BLACK, 8)


def test_a_variable_frame_rate_source_comes_out_at_a_constant_rate(tmp_path):
    changes = [(0.0, RED), (0.13, GREEN), (0.52, BLUE), (0.58, YELLOW), (0.91, RED)]
    source = write_variable_rate_clip(tmp_path / "vfr.mkv", changes, seconds=1.2)
    out = tmp_path / "out.mp4"

    render(film(clip(source, 0, 1.2)), out, quality="final", progress=ignore)

    frames = frames_rgb(out)
    assert [round(time, 2) for time, _ in frames] == [n / 10 for n in range(12)]
    # Each output frame shows the newest source frame due at its time.
    expected = [RED, RED, GREEN, GREEN, GREEN, GREEN, YELLOW, YELLOW, YELLOW, YELLOW, RED, RED]
    for (time, _), colour in zip(frames, expected, strict=True):
        assert near(colour_at(frames, time), colour), time


def test_a_draft_is_360_pixels_tall_at_25_fps_at_most(tmp_path, red_then_blue):
    out = tmp_path / "draft.mp4"
    plan = film(clip(red_then_blue, 0.5, 1.5), output=Output(width=1280, height=720, fps=30))

    rendered = render(plan, out, quality="draft", progress=ignore)

    assert (rendered.width, rendered.height) == (640, 360)
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (640, 360)
        assert video.average_rate == 25
    frames = frames_rgb(out)
    assert len(frames) == 25
    assert near(colour_at(frames, 0.2), RED)
    assert near(colour_at(frames, 0.8), BLUE)


def test_the_index_comes_before_the_data_for_fast_start(tmp_path, red_then_blue):
    out = tmp_path / "out.mp4"

    render(film(clip(red_then_blue, 0, 1)), out, quality="final", progress=ignore)

    boxes = top_level_boxes(out)
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")


def test_a_film_without_sound_gets_a_silent_audio_track(tmp_path, red_then_blue):
    out = tmp_path / "out.mp4"

    render(film(clip(red_then_blue, 0, 1)), out, quality="final", progress=ignore)

    heard = samples(out)
    assert abs(heard.shape[1] - 48000) <= 1024
    assert peak(heard) == 0.0


def test_progress_rises_to_one(tmp_path, red_then_blue, monkeypatch):
    monkeypatch.setattr(render_module, "HEARTBEAT_SECONDS", 0.0)  # a call per frame
    calls: list[float] = []
    title = TitleCard(name="title card", title="Hello", subtitle="", seconds=1.0)

    render(
        film(clip(red_then_blue, 0, 2), title),
        tmp_path / "out.mp4",
        quality="final",
        progress=calls.append,
    )

    assert len(calls) > 10
    assert calls == sorted(calls)
    assert all(0.0 <= fraction <= 1.0 for fraction in calls)
    assert calls[-1] == 1.0
