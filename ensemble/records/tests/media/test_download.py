"""The `download` of audio and video: the same streams, with no tags, cover or location."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from ensemble.records.media.avfile import codec_name, stream_rotation, video_stream
from ensemble.records.media.base import Detected, Limits, RenditionFile
from ensemble.records.media.processors import audio, video
from ensemble.records.tests.samples import av as samples

PRIVATE = [b"48.8584", b"Secret title", b"Shot at home", b"\xa9xyz", b"Lavf6"]
# sample container -> (demuxer sniff would name, mime), as in sniff.detect
AUDIO = {
    "wav": ("wav", "audio/wav"),
    "aiff": ("aiff", "audio/aiff"),
    "flac": ("flac", "audio/flac"),
    "mp3": ("mp3", "audio/mpeg"),
    "m4a": ("mov", "audio/mp4"),
    "ogg": ("ogg", "audio/ogg"),
    "webm": ("matroska", "audio/webm"),
}
VIDEO = {
    "mp4": ("mov", "video/mp4"),
    "mov": ("mov", "video/mp4"),
    "webm": ("matroska", "video/webm"),
    "mkv": ("matroska", "video/x-matroska"),
}


def download_of(path: Path, kind: str, container: str, tmp_path: Path) -> RenditionFile:
    fmt, mime = (AUDIO if kind == "audio" else VIDEO)[container]
    found = Detected("av", fmt, mime, kind, f".{container}")
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    processor = audio if kind == "audio" else video
    result = processor.process(path, found, out_dir, Limits(), lambda done: None)
    downloads = [r for r in result.renditions if r.role == "download"]
    assert len(downloads) == 1
    assert downloads[0].content_type == mime
    assert downloads[0].path.name == f"download.{container}"
    return downloads[0]


def facts(path: Path) -> dict[str, object]:
    """What people hear and see: codecs, duration, rotation, no cover art, no tags."""
    with av.open(str(path)) as opened:
        picture = video_stream(opened)
        return {
            "audio": [codec_name(s) for s in opened.streams.audio],
            "video": [codec_name(s) for s in opened.streams.video],
            "rotation": stream_rotation(picture) if picture else None,
            "duration": opened.duration / av.time_base if opened.duration else None,
            "tags": {k: v for k, v in opened.metadata.items() if k not in _MUXER_TAGS},
            "stream_tags": [
                {k: v for k, v in s.metadata.items() if k not in _MUXER_STREAM_TAGS}
                for s in opened.streams
            ],
        }


# What muxers write about the file itself (and demuxers report), not about the recording.
_MUXER_TAGS = {"major_brand", "minor_version", "compatible_brands", "encoder"}
_MUXER_STREAM_TAGS = {"handler_name", "vendor_id", "language", "DURATION", "encoder"}


def assert_same_recording(original: Path, copy: Path, frame: float) -> None:
    before, after = facts(original), facts(copy)
    assert after["audio"] == before["audio"]
    assert after["video"] == [c for c in before["video"] if c != "png"]  # no cover art
    assert after["rotation"] == before["rotation"]
    assert isinstance(before["duration"], float)
    assert isinstance(after["duration"], float)
    assert after["duration"] == pytest.approx(before["duration"], abs=frame)
    assert after["tags"] == {}
    assert all(tags == {} for tags in after["stream_tags"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("container", ["mp4", "mov"])
def test_a_phone_video_is_downloaded_without_its_location_and_still_upright(
    tmp_path: Path, container: str
) -> None:
    path = samples.write_video(
        tmp_path / f"v.{container}",
        container=container,
        seconds=1.0,
        size=(160, 120),
        fps=24,
        rotation=90,
        metadata=samples.PHONE_METADATA,
    )
    original = path.read_bytes()
    assert b"48.8584" in original
    assert b"Secret title" in original
    if container == "mov":
        assert b"\xa9xyz" in original  # QuickTime's location box, as iPhones write it
    download = download_of(path, "video", container, tmp_path)
    data = download.path.read_bytes()
    assert not [marker for marker in PRIVATE if marker in data]
    assert data.index(b"moov") < data.index(b"mdat")  # fast start
    assert data[8:12] == (b"qt  " if container == "mov" else b"isom")  # same family
    assert facts(path)["rotation"] == 90
    assert_same_recording(path, download.path, frame=1 / 24)
    assert (download.width, download.height) == (120, 160)


@pytest.mark.parametrize(("container", "codec"), [("webm", "libvpx-vp9"), ("mkv", "mpeg4")])
def test_a_matroska_video_is_downloaded_without_its_tags(
    tmp_path: Path, container: str, codec: str
) -> None:
    path = samples.write_video(
        tmp_path / f"v.{container}",
        container=container,
        codec=codec,
        seconds=0.5,
        size=(160, 120),
        fps=10,
        rotation=90,
        metadata=samples.PHONE_METADATA,
    )
    assert b"48.8584" in path.read_bytes()
    download = download_of(path, "video", container, tmp_path)
    data = download.path.read_bytes()
    assert not [marker for marker in PRIVATE if marker in data]
    assert (b"webm" in data[:64]) is (container == "webm")  # the EBML DocType stays
    assert_same_recording(path, download.path, frame=0.1)


@pytest.mark.parametrize("container", sorted(AUDIO))
def test_audio_is_downloaded_without_tags_or_cover_art(tmp_path: Path, container: str) -> None:
    path = samples.write_audio(
        tmp_path / f"a.{container}",
        container=container,
        seconds=1.0,
        cover_art=container in ("mp3", "m4a", "flac"),
        metadata=samples.PHONE_METADATA,
    )
    original = path.read_bytes()
    assert b"Secret title" in original  # and the location, where the muxer has a tag for it
    download = download_of(path, "audio", container, tmp_path)
    data = download.path.read_bytes()
    assert not [marker for marker in PRIVATE if marker in data]
    assert b"\x89PNG" not in data  # the cover picture
    assert_same_recording(path, download.path, frame=0.03)


def test_an_mp3_download_has_no_id3_tag_at_all(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.mp3", container="mp3", metadata=samples.PHONE_METADATA)
    assert path.read_bytes()[:3] == b"ID3"
    data = download_of(path, "audio", "mp3", tmp_path).path.read_bytes()
    assert data[:3] != b"ID3"
    assert b"TAG" not in data[-128:-125]


def test_a_download_is_made_even_when_a_preview_is_too(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.wav", seconds=0.5, metadata={"title": "Mine"})
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    found = Detected("av", "wav", "audio/wav", "WAV audio", ".wav")
    result = audio.process(path, found, out_dir, Limits(), lambda done: None)
    assert {"preview", "download"} <= {r.role for r in result.renditions}
