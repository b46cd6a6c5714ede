"""Opening audio/video uploads: only the file itself, only with the demuxer sniff named."""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import av.error
import pytest

from ensemble.records.media.avfile import (
    ALLOWED_FORMATS,
    check_duration,
    open_container,
    probe,
)
from ensemble.records.media.base import Detected, Limits, MediaError
from ensemble.records.media.samples import av as samples


def found(fmt: str, mime: str = "application/octet-stream") -> Detected:
    return Detected(family="av", fmt=fmt, mime=mime, label="media", extension=".bin")


class FifoWatch:
    """A FIFO standing in for a neighbour file: records whether anyone opened it to read.

    A reader blocks until a writer comes, so a thread keeps trying a non-blocking open
    for writing (which fails while nobody reads); once it succeeds it closes at once,
    and the reader sees an empty file instead of hanging.
    """

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.opened = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise
                time.sleep(0.005)
                continue
            self.opened = True
            os.close(fd)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


class PortWatch:
    """A local TCP port that counts connections (standing in for a remote segment)."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.port = self._server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[FifoWatch, PortWatch]]:
    fifo, port = FifoWatch(tmp_path / "neighbour.ts"), PortWatch()
    yield fifo, port
    fifo.close()
    port.close()


@pytest.mark.parametrize("fmt", ["hls", "concat", "http", "", "mp4", "image2", "MOV"])
def test_formats_outside_the_allow_list_are_refused(tmp_path: Path, fmt: str) -> None:
    path = samples.write_audio(tmp_path / "a.wav", seconds=0.2)
    with pytest.raises(MediaError), open_container(path, fmt):
        pass


def test_an_allowed_format_opens_the_file(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.wav", seconds=0.2)
    with open_container(path, "wav") as container:
        assert len(container.streams.audio) == 1


def test_the_hls_fixture_is_really_followed_when_ffmpeg_may_probe(
    tmp_path: Path, watched: tuple[FifoWatch, PortWatch]
) -> None:
    """The control for the tests below: careless opening reads the neighbour file."""
    fifo, _ = watched
    playlist = samples.hls_playlist(tmp_path)
    with pytest.raises(av.error.FFmpegError):
        av.open(str(playlist)).close()
    assert fifo.opened


@pytest.mark.parametrize("fixture", [samples.hls_playlist, samples.ffconcat_list])
@pytest.mark.parametrize("fmt", sorted(ALLOWED_FORMATS))
def test_playlists_never_open_what_they_name(
    tmp_path: Path, watched: tuple[FifoWatch, PortWatch], fixture: object, fmt: str
) -> None:
    fifo, port = watched
    assert callable(fixture)
    listing = fixture(tmp_path, url=f"http://127.0.0.1:{port.port}/x.ts")
    with pytest.raises(MediaError):
        probe(listing, found(fmt, "application/vnd.apple.mpegurl"))
    time.sleep(0.02)  # give a stray connection or open the time to be seen
    assert not fifo.opened
    assert port.connections == 0


def test_cover_art_does_not_make_an_mp3_a_video(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.mp3", container="mp3", cover_art=True)
    info = probe(path, found("mp3"))
    assert info.kind == "audio"
    assert info.audio_codec == "mp3"


def test_cover_art_does_not_make_an_m4a_a_video(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.m4a", container="m4a", cover_art=True)
    with open_container(path, "mov") as container:
        assert len(container.streams.video) == 1  # the picture is there...
    assert probe(path, found("mov")).kind == "audio"  # ...and is not video


def test_an_mp4_with_only_audio_is_audio(tmp_path: Path) -> None:
    path = samples.write_audio(tmp_path / "a.m4a", container="m4a", seconds=0.5)
    info = probe(path, found("mov"))
    assert (info.kind, info.has_audio, info.channels) == ("audio", True, 2)
    assert info.duration == pytest.approx(0.5, abs=0.05)


def test_a_video_is_video_with_its_streams_described(tmp_path: Path) -> None:
    path = samples.write_video(tmp_path / "v.mp4", seconds=0.5, size=(160, 120), fps=10)
    info = probe(path, found("mov"))
    assert info.kind == "video"
    assert (info.width, info.height, info.rotation) == (160, 120, 0)
    assert (info.video_codec, info.audio_codec, info.frame_rate) == ("h264", "aac", 10.0)
    assert info.duration == pytest.approx(0.5, abs=0.05)


def test_a_video_without_audio(tmp_path: Path) -> None:
    path = samples.write_video(
        tmp_path / "v.webm",
        container="webm",
        codec="libvpx-vp9",
        seconds=0.5,
        size=(160, 120),
        fps=10,
        audio=False,
    )
    info = probe(path, found("matroska"))
    assert (info.kind, info.has_audio, info.audio_codec) == ("video", False, None)


def test_rotation_gives_display_dimensions(tmp_path: Path) -> None:
    path = samples.write_video(
        tmp_path / "v.mov", container="mov", seconds=0.3, size=(160, 120), fps=10, rotation=90
    )
    info = probe(path, found("mov"))
    assert (info.width, info.height, info.rotation) == (120, 160, 90)


def test_a_file_with_only_a_cover_picture_has_no_audio_or_video(tmp_path: Path) -> None:
    path = tmp_path / "picture.mp4"
    out = av.open(str(path), "w", format="mp4")
    samples.write_cover(out)
    out.close()
    with pytest.raises(MediaError, match="no audio or video"):
        probe(path, found("mov"))


@pytest.mark.parametrize(
    ("magic", "fmt"),
    [
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isom", "mov"),
        (b"\x1a\x45\xdf\xa3", "matroska"),
        (b"fLaC", "flac"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"),
        (b"OggS", "ogg"),
    ],
)
def test_garbage_behind_valid_magic_is_refused(tmp_path: Path, magic: bytes, fmt: str) -> None:
    path = tmp_path / "junk"
    path.write_bytes(magic + bytes(range(256)) * 40)
    with pytest.raises(MediaError, match="damaged"):
        probe(path, found(fmt))


def test_a_truncated_mp4_is_refused(tmp_path: Path) -> None:
    path = samples.truncated(
        samples.write_video(tmp_path / "v.mp4", seconds=0.5, size=(160, 120), fps=10)
    )
    with pytest.raises(MediaError, match="damaged"):
        probe(path, found("mov"))


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (4 * 3600 + 12 * 60 + 7, "The recording is 4 h 12 min long; the limit is 3 h."),
        (3 * 3600 + 1, "The recording is 3 h 0 min 1 s long; the limit is 3 h."),
        (1.04, "The recording is 1 s long; the limit is 0.5 s."),
    ],
)
def test_recordings_over_the_limit_are_refused_with_both_lengths(
    seconds: float, message: str
) -> None:
    limits = Limits(max_duration_seconds=0.5) if seconds < 60 else Limits()
    with pytest.raises(MediaError) as caught:
        check_duration(seconds, limits)
    assert caught.value.message == message


def test_recordings_within_the_limit_or_of_unknown_length_pass() -> None:
    check_duration(3 * 3600, Limits())
    check_duration(None, Limits())
    with pytest.raises(MediaError, match="12 min 5 s long; the limit is 10 min"):
        check_duration(725, Limits(max_duration_seconds=600))
