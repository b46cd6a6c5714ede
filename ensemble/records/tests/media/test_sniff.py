"""sniff.detect: what a file is from its first bytes, and which files are refused."""

import io
import struct

import pytest

from ensemble.records.media import sniff
from ensemble.records.media.base import MediaError
from ensemble.records.tests.samples import images as samples


def detect(tmp_path, data: bytes, name: str = "upload.bin"):
    path = tmp_path / name
    path.write_bytes(data)
    return sniff.detect(path)


def refusal(tmp_path, data: bytes) -> str:
    with pytest.raises(MediaError) as caught:
        detect(tmp_path, data)
    return caught.value.message


def pillow(fmt: str, mode: str = "RGB", **params) -> bytes:
    buffer = io.BytesIO()
    samples.picture((32, 24), mode).save(buffer, fmt, **params)
    return buffer.getvalue()


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    brands = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands + b"\x00\x00\x00\x08free"


def test_an_empty_file_is_refused(tmp_path):
    assert refusal(tmp_path, b"") == "The file is empty."


@pytest.mark.parametrize(
    ("fmt", "mode", "expected", "mime"),
    [
        ("PNG", "RGB", "PNG", "image/png"),
        ("JPEG", "RGB", "JPEG", "image/jpeg"),
        ("GIF", "P", "GIF", "image/gif"),
        ("WEBP", "RGB", "WEBP", "image/webp"),
        ("AVIF", "RGB", "AVIF", "image/avif"),
        ("TIFF", "RGB", "TIFF", "image/tiff"),
        ("BMP", "RGB", "BMP", "image/bmp"),
    ],
)
def test_images_are_named_by_their_pillow_format(tmp_path, fmt, mode, expected, mime):
    found = detect(tmp_path, pillow(fmt, mode))
    assert (found.family, found.fmt, found.mime) == ("image", expected, mime)


def test_big_endian_tiff_is_an_image(tmp_path):
    assert detect(tmp_path, b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 64).fmt == "TIFF"


def test_the_name_is_never_consulted(tmp_path):
    found = detect(tmp_path, samples.jpeg_with_exif(), name="song.mp4")
    assert (found.fmt, found.extension) == ("JPEG", ".jpg")


@pytest.mark.parametrize("brand", [b"heic", b"heix", b"mif1", b"msf1", b"hevc"])
def test_heic_is_refused_with_a_way_out(tmp_path, brand):
    message = refusal(tmp_path, ftyp(brand, b"mif1", b"heic"))
    assert message == "HEIC images are not supported yet; export the photo as JPEG or PNG."


def test_avif_wins_over_the_generic_heif_brand(tmp_path):
    assert detect(tmp_path, ftyp(b"mif1", b"avif", b"miaf")).fmt == "AVIF"


@pytest.mark.parametrize(
    ("major", "mime", "extension"),
    [
        (b"isom", "video/mp4", ".mp4"),
        (b"mp42", "video/mp4", ".mp4"),
        (b"M4A ", "audio/mp4", ".m4a"),
        (b"qt  ", "video/mp4", ".mov"),
        (b"3gp5", "video/mp4", ".mp4"),
        (b"dash", "video/mp4", ".mp4"),
    ],
)
def test_iso_media_is_audio_or_video_for_ffmpeg_mov(tmp_path, major, mime, extension):
    found = detect(tmp_path, ftyp(major, b"isom"))
    assert (found.family, found.fmt, found.mime, found.extension) == ("av", "mov", mime, extension)


def ebml(doctype: bytes) -> bytes:
    body = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return (
        b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67" + b"\x00" * 8
    )


def test_webm_and_matroska_are_told_apart_by_their_doctype(tmp_path):
    webm, mkv = detect(tmp_path, ebml(b"webm")), detect(tmp_path, ebml(b"matroska"))
    assert (webm.fmt, webm.mime, webm.extension) == ("matroska", "video/webm", ".webm")
    assert (mkv.fmt, mkv.mime, mkv.extension) == ("matroska", "video/x-matroska", ".mkv")


def mp3_frames(count: int = 3) -> bytes:
    # MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
    frame = b"\xff\xfb\x90\x00" + b"\x11" * 413
    return frame * count


def id3(body: bytes, size: int, footer: bool = False) -> bytes:
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    header = b"ID3\x04\x00" + (b"\x10" if footer else b"\x00") + syncsafe
    return header + b"T" * size + (b"3DI" + b"\x00" * 7 if footer else b"") + body


@pytest.mark.parametrize(
    ("data", "fmt", "mime"),
    [
        (b"OggS\x00\x02" + b"\x00" * 40, "ogg", "audio/ogg"),
        (b"fLaC\x00\x00\x00\x22" + b"\x00" * 40, "flac", "audio/flac"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "wav", "audio/wav"),
        (b"FORM\x00\x00\x00\x40AIFFCOMM" + b"\x00" * 40, "aiff", "audio/aiff"),
        (b"FORM\x00\x00\x00\x40AIFCFVER" + b"\x00" * 40, "aiff", "audio/aiff"),
        (mp3_frames(), "mp3", "audio/mpeg"),
        (id3(mp3_frames(), 20_000), "mp3", "audio/mpeg"),
        (id3(mp3_frames(1), 300, footer=True), "mp3", "audio/mpeg"),
        (id3(b"fLaC\x00\x00\x00\x22" + b"\x00" * 40, 12_000), "flac", "audio/flac"),
        ((b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 9) * 3, "aac", "audio/aac"),
    ],
)
def test_audio_containers(tmp_path, data, fmt, mime):
    found = detect(tmp_path, data)
    assert (found.family, found.fmt, found.mime) == ("av", fmt, mime)


def test_a_lone_mpeg_sync_pattern_is_not_mp3(tmp_path):
    # A valid-looking first header, but no second frame where it should start.
    data = b"\xff\xfb\x90\x00" + b"\x01" * 1000
    assert refusal(tmp_path, data) == sniff.UNSUPPORTED


@pytest.mark.parametrize(
    "data",
    [
        (b"\x47" + b"\x00" * 187) * 3,  # MPEG-TS
        b"RIFF\x24\x00\x00\x00AVI LIST" + b"\x00" * 40,
        b"FLV\x01\x05\x00\x00\x00\x09" + b"\x00" * 20,
        bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c") + b"\x00" * 20,
    ],
)
def test_old_video_containers_are_refused(tmp_path, data):
    assert refusal(tmp_path, data) == sniff.VIDEO_FORMAT


@pytest.mark.parametrize(
    ("data", "fmt", "mime"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf", "application/pdf"),
        (b"PK\x03\x04\x14\x00" + b"\x00" * 30, "zip", "application/zip"),
        (b"PK\x05\x06" + b"\x00" * 18, "zip", "application/zip"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip", "application/gzip"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 20, "7z", "application/x-7z-compressed"),
        (b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0", "midi", "audio/midi"),
        (b"8BPS\x00\x01" + b"\x00" * 20, "psd", "image/vnd.adobe.photoshop"),
        (b"BLENDER-v402REND" + b"\x00" * 20, "blend", "application/x-blender"),
        (b"{\\rtf1\\ansi Hello}", "rtf", "application/rtf"),
    ],
)
def test_other_files(tmp_path, data, fmt, mime):
    found = detect(tmp_path, data)
    assert (found.family, found.fmt, found.mime) == ("other", fmt, mime)


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 60,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 20,
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 20,
        b"\xfe\xed\xfa\xce" + b"\x00" * 20,
        b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + b"\x00" * 20,
    ],
)
def test_programs_are_refused(tmp_path, data):
    assert refusal(tmp_path, data) == "Programs are not accepted."


def test_unknown_binary_is_refused_with_the_accepted_list(tmp_path):
    message = refusal(tmp_path, bytes(range(256)) * 4)
    assert message.startswith("This file type is not supported.")
    assert "JPEG, PNG" in message


def test_utf8_text_is_a_text_record(tmp_path):
    found = detect(tmp_path, "Le cœur a ses raisons\nque la raison ne connaît point.\n".encode())
    assert (found.family, found.fmt, found.mime) == (
        "text",
        "markdown",
        "text/plain; charset=utf-8",
    )
    assert found.extension == ".txt"


def test_markdown_gets_the_md_extension(tmp_path):
    assert detect(tmp_path, b"# Title\n\nSome **bold** words.\n").extension == ".md"


def test_text_with_a_bom_and_a_character_cut_by_the_chunk_end(tmp_path):
    body = "\ufeff".encode() + b"a" * (sniff.HEAD_SIZE - 4) + "é".encode() * 50
    assert body[: sniff.HEAD_SIZE][-1:] == "é".encode()[:1]  # the chunk ends mid-character
    assert detect(tmp_path, body).family == "text"


def test_invalid_utf8_or_nul_bytes_are_not_text(tmp_path):
    assert refusal(tmp_path, b"caf\xe9 au lait\n") == sniff.UNSUPPORTED
    assert refusal(tmp_path, b"hello\x00world\n") == sniff.UNSUPPORTED


def test_text_starting_like_a_magic_number_is_still_text(tmp_path):
    assert detect(tmp_path, b"MZ was here, and BM too.\n").family == "text"
    assert detect(tmp_path, b"ID3 tags are a kind of metadata.\n").family == "text"


PLAYLISTS = [
    b"#EXTM3U\n#EXTINF:10,\nhttp://example.com/a.ts\n",
    b"\n\n#EXT-X-VERSION:3\nsegment0.ts\n",
    b'<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"></MPD>',
    b'<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"></MPD>',
    b"ffconcat version 1.0\nfile 'a.mp4'\n",
    b"# my list\nfile '/etc/passwd'\n",
    b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=stream\r\n",
    b"[playlist]\nFile1=http://example.com/stream\nNumberOfEntries=1\n",
    b'<ASX version="3.0"><Entry><Ref href="http://x/a.wmv"/></Entry></ASX>',
    b'<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"></playlist>',
]


@pytest.mark.parametrize("data", PLAYLISTS)
def test_playlists_and_stream_descriptions_are_refused(tmp_path, data):
    assert refusal(tmp_path, data) == sniff.PLAYLIST
    assert "upload the media file itself" in sniff.PLAYLIST


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body>hi</body></html>",
        b"<html><p>hi</p></html>",
        b"Hello there\n<script>alert(1)</script>\n",
        b"<HEAD><title>x</title></HEAD>",
        b"<body onload=alert(1)>",
        b"Look: <iframe src=https://example.com></iframe>",
        b"<!-- page --><!doctype html>",
    ],
)
def test_html_is_refused(tmp_path, data):
    assert refusal(tmp_path, data) == (
        "HTML pages are not accepted; paste the text as a text record instead."
    )


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'\xef\xbb\xbf  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        b'<!-- Generator: Illustrator -->\n<svg viewBox="0 0 1 1"/>',
        b'<?xml version="1.0"?>\n<!-- drawn by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG">'
        b"<svg/>",
    ],
)
def test_svg_is_refused_even_behind_a_bom_or_comments(tmp_path, data):
    assert refusal(tmp_path, data) == sniff.SVG
    assert "export the drawing as PNG" in sniff.SVG


def test_xml_in_general_is_refused(tmp_path):
    message = refusal(tmp_path, b'<?xml version="1.0"?>\n<poem><line>a</line></poem>')
    assert message == sniff.XML


def test_scripts_are_refused(tmp_path):
    assert refusal(tmp_path, b"#!/bin/sh\nrm -rf ~\n") == sniff.SCRIPT


def test_a_poem_starting_with_file_is_not_a_concat_list(tmp_path):
    poem = b"file under sorrow, she said,\nand the drawer closed.\n"
    assert detect(tmp_path, poem).family == "text"


def test_a_long_concat_list_cut_mid_line_is_refused(tmp_path):
    data = b"".join(b"file 'clip%04d.mp4'\nduration 1.0\n" % i for i in range(400))
    assert len(data) > sniff.HEAD_SIZE
    assert refusal(tmp_path, data) == sniff.PLAYLIST


def test_markup_words_inside_prose_are_fine(tmp_path):
    poem = b"A file of letters, v=0 in the margin,\nI wrote <3 and an <svg> tag, later.\n"
    assert detect(tmp_path, poem).family == "text"


def test_detect_reads_only_the_start_of_a_big_file(tmp_path, monkeypatch):
    reads = []
    real_open = type(tmp_path).open

    def tracking_open(path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        real_read = handle.read
        handle.read = lambda size=-1: reads.append(size) or real_read(size)
        return handle

    monkeypatch.setattr(type(tmp_path), "open", tracking_open)
    detect(tmp_path, b"\x89PNG\r\n\x1a\n" + b"\x00" * 5_000_000)
    assert reads
    assert all(0 < size <= sniff.HEAD_SIZE for size in reads)
