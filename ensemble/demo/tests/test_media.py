"""The demo's generated media: real files that Pillow and PyAV read back, at the sizes and
lengths asked, the same for the same seed, 145 clearly different characters, and a whole
demo set far below its 300 MB budget."""

from __future__ import annotations

import hashlib
import io
import itertools
from dataclasses import dataclass

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from ensemble.core.markdown import render_markdown
from ensemble.demo import media
from ensemble.demo.media import encoding

FPS = 12


@dataclass
class Decoded:
    codecs: dict[str, str]  # stream type → codec
    size: tuple[int, int]
    pix_fmt: str
    frames: int
    audio_seconds: float

    @property
    def video_seconds(self) -> float:
        return self.frames / FPS


def decode(data: bytes) -> Decoded:
    """Every frame of every stream, decoded: a file that only looks right fails here."""
    size, pix_fmt, frames, samples, rate = (0, 0), "", 0, 0, 1
    with av.open(io.BytesIO(data)) as container:
        codecs = {stream.type: stream.codec_context.name for stream in container.streams}
        for frame in container.decode(*container.streams):
            if isinstance(frame, av.VideoFrame):
                size, pix_fmt, frames = (frame.width, frame.height), frame.format.name, frames + 1
            else:
                samples, rate = samples + frame.samples, frame.sample_rate
    return Decoded(codecs, size, pix_fmt, frames, samples / rate)


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_poem_is_a_titled_story_in_verse_that_keeps_its_lines():
    title, body = media.poem()
    verses = [line for line in body.splitlines() if line.strip()]
    assert title == "The Man With a Turnip for a Head"
    assert 16 <= len(verses) <= 32
    assert "turnip" in body.lower()
    stanzas = body.count("\n\n") + 1
    assert render_markdown(body).count("<br") == len(verses) - stanzas


def test_a_character_is_a_png_of_the_size_asked():
    assert picture(media.turnip_character(7)).size == (480, 600)
    assert picture(media.turnip_character(7, size=(240, 300))).size == (240, 300)


def test_the_same_seed_draws_the_same_character_and_another_seed_another():
    assert media.turnip_character(3) == media.turnip_character(3)
    assert media.turnip_character(3) != media.turnip_character(4)


@pytest.mark.parametrize("kind", media.BACKGROUND_KINDS)
def test_each_kind_of_background_is_a_png_that_varies_with_the_seed(kind):
    first = media.background(kind, 1)
    assert picture(first).size == (640, 360)
    assert media.background(kind, 1) == first
    assert media.background(kind, 2) != first


def test_an_unknown_background_kind_is_refused():
    with pytest.raises(ValueError, match="prop"):
        media.background("spaceship", 1)


@pytest.mark.slow  # synthesizes and encodes the demo's sound and video
def test_an_animation_test_is_silent_h264_of_the_length_asked():
    clip = decode(media.animation_test(2, seconds=1.0))
    assert clip.codecs == {"video": "h264"}
    assert clip.size == (480, 270)
    assert clip.pix_fmt == "yuv420p"
    assert clip.video_seconds == pytest.approx(1.0, abs=0.1)


@pytest.mark.slow  # synthesizes and encodes the demo's sound and video
def test_a_reading_video_has_pictures_and_room_sound():
    clip = decode(media.reading_video(4, seconds=2.0))
    assert clip.codecs == {"video": "h264", "audio": "aac"}
    assert clip.size in ((480, 270), (270, 480))
    assert clip.video_seconds == pytest.approx(2.0, abs=0.1)
    assert clip.audio_seconds == pytest.approx(2.0, abs=0.5)


@pytest.mark.slow  # synthesizes and encodes the demo's sound and video
def test_clips_and_music_come_out_byte_for_byte_the_same_every_time():
    assert media.reading_video(5, seconds=1.0) == media.reading_video(5, seconds=1.0)
    assert media.animation_test(5, seconds=1.0) == media.animation_test(5, seconds=1.0)
    assert media.score(1.0) == media.score(1.0)


@pytest.mark.parametrize("instrument", [None, *media.INSTRUMENTS])
@pytest.mark.slow  # synthesizes and encodes the demo's sound and video
def test_the_score_and_each_part_are_aac_of_the_length_asked(instrument):
    data = media.score(3.0) if instrument is None else media.part(instrument, 3.0)
    sound = decode(data)
    assert sound.codecs == {"audio": "aac"}
    assert sound.audio_seconds == pytest.approx(3.0, abs=0.5)


@pytest.mark.slow  # synthesizes and encodes the demo's sound and video
def test_the_parts_sound_unlike_each_other_and_the_score():
    recordings = [media.score(2.0)] + [media.part(name, 2.0) for name in media.INSTRUMENTS]
    assert len({digest(data) for data in recordings}) == 4


def test_an_unknown_instrument_is_refused():
    with pytest.raises(ValueError, match="clarinet"):
        media.part("kazoo")


def test_a_video_of_odd_size_is_refused():
    with pytest.raises(ValueError, match="even"):
        encoding.mp4([], (641, 360), 12)


@pytest.fixture(scope="module")
def demo_set() -> dict[str, list[bytes]]:
    """A whole demo's worth of media, made once for the tests that need all of it."""
    characters = [media.turnip_character(seed) for seed in range(145)]
    backgrounds = [
        media.background(kind, seed) for kind in media.BACKGROUND_KINDS for seed in range(4)
    ]
    score = media.score()
    return {
        "characters": characters,
        "backgrounds": backgrounds,
        "animation tests": [media.animation_test(seed) for seed in range(4)],
        "reading videos": [media.reading_video(seed) for seed in range(20)],
        "music": [score] + [media.part(name) for name in media.INSTRUMENTS],
    }


@pytest.mark.slow  # a whole demo's media
def test_a_whole_demo_set_stays_far_below_300_mb(demo_set):
    total = sum(len(data) for files in demo_set.values() for data in files)
    assert total < 30_000_000


@pytest.mark.slow  # a whole demo's media
def test_the_145_characters_are_clearly_different_from_each_other(demo_set):
    characters = demo_set["characters"]
    assert len({digest(data) for data in characters}) == 145
    # Small thumbnails, compared two by two: mean difference of at least 4 % of full scale
    # in every pair, so no two entries could pass for the same drawing.
    thumbnails = [picture(data).convert("RGB").resize((48, 60)) for data in characters]
    closest = min(
        sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3
        for a, b in itertools.combinations(thumbnails, 2)
    )
    assert closest > 0.04 * 255


@pytest.mark.slow  # a whole demo's media
def test_the_phone_videos_are_twenty_views_of_the_reading(demo_set):
    clips = [decode(data) for data in demo_set["reading videos"]]
    assert len({digest(data) for data in demo_set["reading videos"]}) == 20
    assert all(clip.codecs == {"video": "h264", "audio": "aac"} for clip in clips)
    assert {clip.size for clip in clips} == {(480, 270), (270, 480)}  # some held upright
