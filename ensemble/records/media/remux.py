"""The `download` rendition of audio and video: the same streams, none of the metadata.

Phones write where a video was shot into its MP4 or MOV (`©xyz`, `loci`, the key
`com.apple.quicktime.location.ISO6709`); music files carry tags and cover art. Others are
served this copy instead of the original:

- the audio and video streams are copied packet for packet (no re-encoding, nothing
  lost) into the same container family, in FFmpeg's bit-exact mode, so not even an
  encoder tag is written;
- container and stream metadata, chapters, cover art (a picture with its own EXIF),
  subtitles and data tracks (Apple's timed metadata can hold a location) are left out;
- the codec parameters travel with each stream, display matrix included, so a phone's
  portrait video still plays upright; MP4 and MOV get their index first (fast start).

Known gap: Vorbis in Matroska keeps its comment header (it is part of the codec's
private data, which is copied as it is); browsers record Opus, whose header has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import av
import av.error
from av.container import InputContainer, OutputContainer
from av.packet import Packet
from av.stream import Disposition, Stream

from .avfile import Heartbeat, check_decoded, is_mp4, is_webm, open_container
from .base import Detected, Limits, MediaError, RenditionFile

DAMAGED = "The file is damaged and could not be copied."
UNCOPYABLE = "The file's streams could not be copied into a file without its metadata."
_BITEXACT = {"fflags": "+bitexact"}  # no "Lavf…" encoder tag, no creation time
_FAST_START = {**_BITEXACT, "movflags": "+faststart"}


class _MuxerRefused(Exception):
    """The output format would not take these streams; another muxer may."""


def write_download(
    src: Path, found: Detected, out_dir: Path, limits: Limits, heartbeat: Heartbeat
) -> RenditionFile:
    """Remux `src` into `out_dir` as the `download` rendition (see the module docstring).

    Steps: pick the muxers of the original's family (the closest first, a roomier one of
    the same family as fallback), copy every real audio and video stream's parameters,
    then copy the packets, stopping at the duration limit.
    """
    path = out_dir / f"download{found.extension}"
    for muxer, options in _muxers(src, found):
        try:
            _remux(src, found.fmt, path, muxer, options, limits, heartbeat)
        except _MuxerRefused:
            path.unlink(missing_ok=True)
            continue
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return RenditionFile("download", path, found.mime)
    raise MediaError(UNCOPYABLE)


def _muxers(src: Path, found: Detected) -> list[tuple[str, dict[str, str]]]:
    """The FFmpeg muxers (with their options) to try for the original's family."""
    if found.fmt == "mov":
        mp4 = is_mp4(src, found)
        return [("mp4", _FAST_START), ("mov", _FAST_START)] if mp4 else [("mov", _FAST_START)]
    if found.fmt == "matroska":
        webm = is_webm(src, found)
        return [("webm", _BITEXACT), ("matroska", _BITEXACT)] if webm else [("matroska", _BITEXACT)]
    if found.fmt == "mp3":
        return [("mp3", {**_BITEXACT, "id3v2_version": "0"})]  # no ID3 tag at all
    if found.fmt == "aac":
        return [("adts", _BITEXACT)]
    return [(found.fmt, _BITEXACT)]  # ogg, flac, wav, aiff: muxer named as the demuxer


def _remux(
    src: Path,
    fmt: str,
    path: Path,
    muxer: str,
    options: dict[str, str],
    limits: Limits,
    heartbeat: Heartbeat,
) -> None:
    with open_container(src, fmt) as container:
        sources = _tracks(container)
        if not sources:
            raise MediaError("The file has no audio or video in it.")
        try:
            out = av.open(str(path), "w", format=muxer, options=dict(options))
        except (av.error.FFmpegError, ValueError) as error:
            raise _MuxerRefused from error
        try:
            _copy(container, sources, out, limits, heartbeat)
        except BaseException:
            with suppress(av.error.FFmpegError, ValueError):
                out.close()  # the caller deletes the half-written file
            raise
        try:
            out.close()  # writes the index (MP4: moved to the front)
        except (av.error.FFmpegError, ValueError) as error:
            raise _MuxerRefused from error


def _copy(
    container: InputContainer,
    sources: list[Stream],
    out: OutputContainer,
    limits: Limits,
    heartbeat: Heartbeat,
) -> None:
    """Copy the streams' parameters, then their packets, up to the duration limit."""
    try:
        targets = {s.index: out.add_stream_from_template(s) for s in sources}
        out.start_encoding()  # writes the header: the muxer checks the codecs here
    except (av.error.FFmpegError, ValueError) as error:
        raise _MuxerRefused from error
    last_dts: dict[int, int] = {}
    start: float | None = None
    for packet in _packets(container, sources):
        index = packet.stream.index
        if packet.dts is not None:
            if packet.dts <= last_dts.get(index, -(2**62)):
                continue  # muxers refuse repeated timestamps; the copy skips them
            last_dts[index] = packet.dts
        seconds = _seconds(packet)
        if seconds is not None:
            start = seconds if start is None else min(start, seconds)
            check_decoded(seconds - start, limits)
            heartbeat.beat(seconds - start)
        packet.stream = targets[index]
        try:
            out.mux(packet)
        except (av.error.FFmpegError, ValueError) as error:
            raise _MuxerRefused from error


def _tracks(container: InputContainer) -> list[Stream]:
    """The real audio and video streams: no cover art, subtitles or data."""
    return [
        stream
        for stream in container.streams
        if stream.type in ("audio", "video") and not stream.disposition & Disposition.attached_pic
    ]


def _packets(container: InputContainer, sources: list[Stream]) -> Iterator[Packet]:
    """The packets with data, in file order; a demuxing error is a damaged file."""
    packets = container.demux(sources)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except (av.error.FFmpegError, ValueError) as error:
            raise MediaError(DAMAGED) from error
        if packet.size:
            yield packet


def _seconds(packet: Packet) -> float | None:
    at = packet.pts if packet.pts is not None else packet.dts
    if at is None or packet.time_base is None:
        return None
    return float(at * packet.time_base)
