"""Video processing: poster, thumbnails, and an H.264 preview only where browsers need one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from ensemble.records.media.avfile import Probe, probe
from ensemble.records.media.base import Detected, Limits, MediaError, Result
from ensemble.records.media.processors import video
from ensemble.records.tests.samples import av as samples

FORMATS = {
    "mp4": ("mov", "video/mp4"),
    "mov": ("mov", "video/quicktime"),
    "webm": ("matroska", "video/webm"),
    "mkv": ("matroska", "video/x-matroska"),
}


def small(path: Path, **options: Any) -> Path:
    """A half-second 160×120 clip at 10 fps: enough for every rule, fast to make."""
    settings: dict[str, Any] = {"seconds": 0.5, "size": (160, 120), "fps": 10} | options
    return samples.write_video(path, **settings)


def detected(container: str) -> Detected:
    fmt, mime = FORMATS[container]
    return Detected(family="av", fmt=fmt, mime=mime, label="video", extension=f".{container}")


def run(path: Path, container: str, tmp_path: Path, limits: Limits | None = None) -> Result:
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    calls: list[float] = []
    result = video.process(path, detected(container), out_dir, limits or Limits(), calls.append)
    assert calls
    assert all(0.0 <= value <= 1.0 for value in calls)
    return result


def rendition(result: Result, role: str) -> Path:
    return next(r.path for r in result.renditions if r.role == role)


def preview_facts(path: Path) -> tuple[int, int, str, str | None, float]:
    info = probe(path, detected("mp4"))
    assert info.width
    assert info.height
    assert info.duration
    return info.width, info.height, info.video_codec or "", info.audio_codec, info.duration


def test_an_mp4_with_h264_and_aac_plays_as_is(tmp_path: Path) -> None:
    path = small(tmp_path / "v.mp4")
    result = run(path, "mp4", tmp_path)
    assert result.kind == "video"
    assert result.metadata["plays_in_browser"] is True
    assert {r.role for r in result.renditions} == {
        "poster",
        "thumb_small",
        "thumb_large",
        "download",
    }
    assert result.metadata["width"] == 160
    assert result.metadata["video_codec"] == "h264"


def test_a_webm_with_vp9_and_opus_plays_as_is(tmp_path: Path) -> None:
    path = small(tmp_path / "v.webm", container="webm", codec="libvpx-vp9")
    assert run(path, "webm", tmp_path).metadata["plays_in_browser"] is True


@pytest.mark.parametrize(
    ("container", "codec"), [("mkv", "mpeg4"), ("mov", "libx264"), ("mp4", "libx265")]
)
def test_other_videos_get_an_h264_aac_preview(tmp_path: Path, container: str, codec: str) -> None:
    path = small(tmp_path / f"v.{container}", container=container, codec=codec)
    result = run(path, container, tmp_path)
    assert result.metadata["plays_in_browser"] is False
    width, height, video_codec, audio_codec, duration = preview_facts(rendition(result, "preview"))
    assert (width, height, video_codec, audio_codec) == (160, 120, "h264", "aac")
    assert duration == pytest.approx(0.5, abs=0.05)


@pytest.mark.slow  # transcodes a 1080p original on purpose
def test_a_1080p_original_is_previewed_at_720p(tmp_path: Path) -> None:
    path = small(tmp_path / "v.mov", container="mov", size=(1920, 1080))
    result = run(path, "mov", tmp_path)
    preview = next(r for r in result.renditions if r.role == "preview")
    assert (preview.width, preview.height) == (1280, 720)
    assert preview_facts(preview.path)[:2] == (1280, 720)
    poster = next(r for r in result.renditions if r.role == "poster")
    large = next(r for r in result.renditions if r.role == "thumb_large")
    thumb = next(r for r in result.renditions if r.role == "thumb_small")
    assert (poster.width, poster.height) == (1280, 720)
    assert (large.width, large.height) == (1600, 900)
    assert (thumb.width, thumb.height) == (480, 270)
    with Image.open(thumb.path) as image:
        assert image.size == (480, 270)


def test_odd_sizes_give_even_preview_dimensions(tmp_path: Path) -> None:
    path = samples.write_video(
        tmp_path / "v.mkv",
        container="mkv",
        codec="mpeg4",
        seconds=0.3,
        size=(1282, 722),
        fps=10,
        audio=False,
    )
    preview = next(r for r in run(path, "mkv", tmp_path).renditions if r.role == "preview")
    assert preview.width is not None
    assert preview.height is not None
    assert (preview.width % 2, preview.height % 2) == (0, 0)
    assert preview.width <= 1280
    assert preview.height <= 720


def test_small_originals_are_never_upscaled(tmp_path: Path) -> None:
    path = small(tmp_path / "v.mp4")
    result = run(path, "mp4", tmp_path)
    for r in result.renditions:
        assert (r.width, r.height) == (160, 120)


def test_a_video_without_audio_gets_a_silent_preview(tmp_path: Path) -> None:
    path = small(tmp_path / "v.mkv", container="mkv", codec="mpeg4", audio=False)
    result = run(path, "mkv", tmp_path)
    assert result.metadata["audio_codec"] is None
    assert preview_facts(rendition(result, "preview"))[3] is None


def test_rotation_is_applied_to_poster_and_preview(tmp_path: Path) -> None:
    """Stored landscape, shown portrait. The test pattern's bright-red bottom edge turns
    (clockwise) into the left edge."""
    path = small(tmp_path / "v.mov", container="mov", rotation=90)
    result = run(path, "mov", tmp_path)
    assert (result.metadata["width"], result.metadata["height"]) == (120, 160)
    assert result.metadata["rotation"] == 90
    with Image.open(rendition(result, "poster")) as poster:
        assert poster.size == (120, 160)
        left, right = poster.getpixel((5, 80)), poster.getpixel((114, 80))
    assert isinstance(left, tuple)
    assert isinstance(right, tuple)
    assert left[0] > right[0] + 100
    preview = rendition(result, "preview")
    assert preview_facts(preview)[:2] == (120, 160)
    assert probe(preview, detected("mp4")).rotation == 0
    with av.open(str(preview)) as opened:
        frame = next(opened.decode(video=0)).to_image()
    first_left, first_right = frame.getpixel((5, 80)), frame.getpixel((114, 80))
    assert isinstance(first_left, tuple)
    assert isinstance(first_right, tuple)
    assert first_left[0] > first_right[0] + 100


def test_over_the_limit_is_refused_before_transcoding(tmp_path: Path) -> None:
    path = small(tmp_path / "v.mkv", container="mkv", codec="mpeg4", seconds=1.0)
    with pytest.raises(MediaError, match=r"The recording is 1 s long; the limit is 0\.5 s\."):
        run(path, "mkv", tmp_path, Limits(max_duration_seconds=0.5))
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("container", ["mp4", "mov"])
def test_a_truncated_video_is_refused(tmp_path: Path, container: str) -> None:
    path = small(tmp_path / f"v.{container}", container=container)
    with pytest.raises(MediaError, match="damaged"):
        run(samples.truncated(path), container, tmp_path)


def test_garbage_with_a_valid_magic_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "v.mkv"
    path.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 40)
    with pytest.raises(MediaError, match="damaged"):
        run(path, "mkv", tmp_path)


def test_an_audio_file_is_not_a_video(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.webm", container="webm", seconds=0.5)
    with pytest.raises(MediaError, match="no video"):
        run(path, "webm", tmp_path)


@pytest.mark.parametrize(
    ("container", "codec"),
    [("mkv", "mpeg4"), ("mp4", "libx264")],  # transcoded, and played as is (only copied)
)
def test_processing_stops_at_the_limit_whatever_the_header_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, container: str, codec: str
) -> None:
    path = small(tmp_path / f"v.{container}", container=container, codec=codec, seconds=2.0)
    real = video.probe

    def lying_probe(*args: Any, **kwargs: Any) -> Probe:
        return replace(real(*args, **kwargs), duration=0.3)

    monkeypatch.setattr(video, "probe", lying_probe)
    with pytest.raises(MediaError) as caught:
        run(path, container, tmp_path, Limits(max_duration_seconds=0.5))
    assert caught.value.message == "The recording is longer than the limit of 0.5 s."
