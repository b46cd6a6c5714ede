"""Opening audio/video uploads: only the file itself, only with the demuxer sniff named."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import av.error
import pytest

from ensemble.records.media.avfile import (
    ALLOWED_FORMATS,
    MAX_AUDIO_TRACKS,
    MAX_VIDEO_TRACKS,
    TOO_MANY_TRACKS,
    check_duration,
    open_container,
    probe,
)
from ensemble.records.media.base import Detected, Limits, MediaError
from ensemble.records.tests.samples import av as samples


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


def many_tracks(path: Path, audio: int, video: int = 0) -> Path:
    """An MP4 with `audio` tiny AAC tracks and `video` tiny MPEG-4 tracks."""
    out = av.open(str(path), "w", format="mp4")
    try:
        pictures = [out.add_stream("mpeg4", rate=10) for _ in range(video)]
        sounds = [out.add_stream("aac", rate=8000, layout="mono") for _ in range(audio)]
        for picture in pictures:
            picture.width, picture.height = 32, 32
            picture.pix_fmt = "yuv420p"
        for picture in pictures:
            frame = av.VideoFrame(32, 32, "yuv420p")
            frame.pts, frame.time_base = 0, Fraction(1, 10)
            out.mux(picture.encode(frame) + picture.encode(None))
        for sound in sounds:
            chunk = av.AudioFrame(format="s16", layout="mono", samples=1024)
            chunk.planes[0].update(bytes(2048))
            chunk.sample_rate, chunk.pts, chunk.time_base = 8000, 0, Fraction(1, 8000)
            out.mux(sound.encode(chunk) + sound.encode(None))
    finally:
        out.close()
    return path


@pytest.mark.slow  # starts Python to measure its memory alone
def test_hundreds_of_tracks_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """The review's file: 590 KB, 990 AAC tracks; probing it used to take ~760 MB.

    Run in a fresh interpreter so its peak memory is this probe's alone.
    """
    path = many_tracks(tmp_path / "tracks.mp4", audio=990)
    assert path.stat().st_size < 1_000_000
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from ensemble.records.media.avfile import probe
        from ensemble.records.media.base import Detected, MediaError
        try:
            probe(Path({str(path)!r}), Detected("av", "mov", "video/mp4", "MP4", ".mp4"))
        except MediaError as error:
            print(error.message)
        # The peak of this process since exec (ru_maxrss would include pytest's).
        status = Path("/proc/self/status").read_text()
        print(next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:")))
        """
    )
    ran = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[4],
        timeout=120,
    )
    message, peak_kb = ran.stdout.strip().splitlines()
    assert message == TOO_MANY_TRACKS
    assert int(peak_kb) < 200_000


@pytest.mark.parametrize(("audio", "video"), [(9, 0), (0, 5), (20, 0)])
def test_more_than_a_few_tracks_are_refused_with_a_clear_message(
    tmp_path: Path, audio: int, video: int
) -> None:
    path = many_tracks(tmp_path / "tracks.mp4", audio=audio, video=video)
    with pytest.raises(MediaError) as caught:
        probe(path, found("mov"))
    assert (
        caught.value.message
        == TOO_MANY_TRACKS
        == ("The file has too many tracks; at most 4 video and 8 audio tracks are accepted.")
    )


def test_a_few_tracks_are_fine(tmp_path: Path) -> None:
    path = many_tracks(tmp_path / "tracks.mp4", audio=MAX_AUDIO_TRACKS, video=MAX_VIDEO_TRACKS)
    assert probe(path, found("mov")).kind == "video"


def test_probe_reads_only_the_header_unless_asked_to_scan(tmp_path: Path) -> None:
    """A browser's recording has no duration in its header. In the request (`probe` as
    intake calls it) it stays unknown, and passes the duration check; the worker scans."""
    recorded = samples.write_audio(tmp_path / "a.webm", container="webm", seconds=2.0)
    path = samples.streamed(recorded, tmp_path / "streamed.webm")
    info = probe(path, found("matroska"))
    assert info.duration is None
    check_duration(info.duration, Limits(max_duration_seconds=0.5))
    measured = probe(path, found("matroska"), scan=True).duration
    assert measured == pytest.approx(2.0, abs=0.05)
    with pytest.raises(MediaError, match=r"The recording is 2 s long; the limit is 0\.5 s\."):
        check_duration(measured, Limits(max_duration_seconds=0.5))
