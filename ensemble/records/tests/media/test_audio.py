"""Audio processing: waveform, its picture, and an AAC preview only where browsers need one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import av
import pytest
from PIL import Image

from ensemble.records.media.avfile import Probe
from ensemble.records.media.base import Detected, Limits, MediaError, Result
from ensemble.records.media.processors import audio
from ensemble.records.tests.samples import av as samples

# sample container -> (demuxer sniff would name, mime)
FORMATS = {
    "wav": ("wav", "audio/wav"),
    "aiff": ("aiff", "audio/aiff"),
    "flac": ("flac", "audio/flac"),
    "mp3": ("mp3", "audio/mpeg"),
    "m4a": ("mov", "audio/mp4"),
    "ogg": ("ogg", "audio/ogg"),
    "webm": ("matroska", "audio/webm"),
}


def run(path: Path, container: str, tmp_path: Path, limits: Limits | None = None) -> Result:
    fmt, mime = FORMATS[container]
    found = Detected(family="av", fmt=fmt, mime=mime, label="audio", extension=f".{container}")
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    calls: list[float] = []
    result = audio.process(path, found, out_dir, limits or Limits(), calls.append)
    assert calls
    assert all(0.0 <= value <= 1.0 for value in calls)
    return result


def roles(result: Result) -> dict[str, Path]:
    return {rendition.role: rendition.path for rendition in result.renditions}


@pytest.mark.parametrize("container", ["wav", "flac", "aiff"])
def test_lossless_originals_get_an_aac_preview_of_the_same_length(
    tmp_path: Path, container: str
) -> None:
    path = samples.write_audio(tmp_path / f"a.{container}", seconds=1.0, container=container)
    result = run(path, container, tmp_path)
    assert result.kind == "audio"
    assert result.metadata["plays_in_browser"] is False
    preview = next(r for r in result.renditions if r.role == "preview")
    assert preview.content_type == "audio/mp4"
    with av.open(str(preview.path)) as opened:
        stream = opened.streams.audio[0]
        assert stream.codec_context.name == "aac"
        assert stream.codec_context.channels == 2
        assert opened.duration is not None
        assert opened.duration / av.time_base == pytest.approx(1.0, abs=0.05)
    head = preview.path.read_bytes()[:64]
    assert head.index(b"moov") < 64  # fast start: the index comes before the samples


@pytest.mark.parametrize("container", ["mp3", "ogg", "m4a", "webm"])
def test_originals_browsers_play_get_no_preview(tmp_path: Path, container: str) -> None:
    path = samples.write_audio(tmp_path / f"a.{container}", seconds=0.5, container=container)
    result = run(path, container, tmp_path)
    assert result.metadata["plays_in_browser"] is True
    assert set(roles(result)) == {"waveform", "thumb_small", "download"}


@pytest.mark.parametrize("container", ["mp3", "m4a", "flac"])
def test_cover_art_leaves_a_file_audio(tmp_path: Path, container: str) -> None:
    path = samples.write_audio(
        tmp_path / f"a.{container}", seconds=0.5, container=container, cover_art=True
    )
    assert run(path, container, tmp_path).kind == "audio"


def test_metadata_describes_the_recording(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.flac", seconds=0.5, container="flac", rate=32000)
    metadata = run(path, "flac", tmp_path).metadata
    assert metadata["duration"] == pytest.approx(0.5, abs=0.01)
    assert (metadata["audio_codec"], metadata["sample_rate"], metadata["channels"]) == (
        "flac",
        32000,
        2,
    )


def test_mono_stays_mono(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.wav", seconds=0.5, channels=1)
    preview = roles(run(path, "wav", tmp_path))["preview"]
    with av.open(str(preview)) as opened:
        assert opened.streams.audio[0].codec_context.channels == 1


def test_the_waveform_has_800_peaks_in_range(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.wav", seconds=1.0)
    waveform = json.loads(roles(run(path, "wav", tmp_path))["waveform"].read_text())
    assert waveform["version"] == 1
    assert waveform["duration"] == pytest.approx(1.0)
    peaks = waveform["peaks"]
    assert len(peaks) == 800
    assert all(-1.0 <= low <= high <= 1.0 for low, high in peaks)
    assert all(round(value, 3) == value for pair in peaks for value in pair)
    # The tone is at half scale (16000 / 32768) in every bucket.
    assert max(high for _, high in peaks) == pytest.approx(0.488, abs=0.01)
    assert min(low for low, _ in peaks) == pytest.approx(-0.488, abs=0.01)


def test_the_waveform_picture_is_480_by_120(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.mp3", seconds=0.5, container="mp3")
    thumb = next(r for r in run(path, "mp3", tmp_path).renditions if r.role == "thumb_small")
    assert (thumb.width, thumb.height, thumb.content_type) == (480, 120, "image/png")
    with Image.open(thumb.path) as image:
        assert image.size == (480, 120)
        assert image.mode == "RGBA"
        colours = {colour for _, colour in image.getcolors(maxcolors=480 * 120) or []}
    assert len(colours) == 2  # transparent and the accent


def test_over_the_limit_is_refused_before_decoding(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.wav", seconds=1.0)
    with pytest.raises(MediaError, match=r"the limit is 0\.5 s"):
        run(path, "wav", tmp_path, Limits(max_duration_seconds=0.5))
    assert not list((tmp_path / "out").iterdir())


def test_a_decoding_error_is_a_damaged_file(tmp_path: Path) -> None:
    path = samples.truncated(samples.write_audio(tmp_path / "a.flac", container="flac"))
    with pytest.raises(MediaError, match="damaged"):
        run(path, "flac", tmp_path)


def test_a_wav_cut_short_is_as_long_as_what_is_left(tmp_path: Path) -> None:
    """No decoding error, just an early end: the duration is what actually plays."""
    path = samples.truncated(samples.write_audio(tmp_path / "a.wav", seconds=1.0), keep=0.5)
    result = run(path, "wav", tmp_path)
    assert result.metadata["duration"] == pytest.approx(0.5, abs=0.01)
    waveform = json.loads(roles(result)["waveform"].read_text())
    assert waveform["duration"] == result.metadata["duration"]


def test_garbage_with_a_valid_magic_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40)
    with pytest.raises(MediaError):
        run(path, "mp3", tmp_path)


def lying_about_length(monkeypatch: pytest.MonkeyPatch, module: object, seconds: float) -> None:
    """Make the processor's probe report `seconds`, as a header understating the length
    would (or as if the duration check at intake had been bypassed)."""
    real = audio.probe

    def probe(*args: object, **kwargs: object) -> Probe:
        return replace(real(*args, **kwargs), duration=seconds)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "probe", probe)


@pytest.mark.parametrize("container", ["wav", "mp3"])  # with and without a preview
def test_decoding_stops_at_the_limit_whatever_the_header_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, container: str
) -> None:
    path = samples.write_audio(tmp_path / f"a.{container}", seconds=2.0, container=container)
    lying_about_length(monkeypatch, audio, 0.3)
    with pytest.raises(MediaError) as caught:
        run(path, container, tmp_path, Limits(max_duration_seconds=0.5))
    assert caught.value.message == "The recording is longer than the limit of 0.5 s."


def test_a_recording_without_a_duration_in_its_header_is_measured_by_the_worker(
    tmp_path: Path,
) -> None:
    recorded = samples.write_audio(tmp_path / "a.webm", container="webm", seconds=2.0)
    path = samples.streamed(recorded, tmp_path / "streamed.webm")
    with pytest.raises(MediaError, match=r"The recording is 2 s long; the limit is 0\.5 s\."):
        run(path, "webm", tmp_path, Limits(max_duration_seconds=0.5))
    assert run(path, "webm", tmp_path).metadata["duration"] == pytest.approx(2.0, abs=0.05)
