"""What a file is, told from its first bytes alone (never its name, never the browser's word).

`detect(path)` reads a few KB from the start of the file (a little more after an ID3 tag)
and returns a `Detected`, or raises `MediaError` with the reason the file is refused.
Refusals are on purpose: formats we cannot process safely (HEIC, old video containers),
files that carry scripts (SVG, HTML) and text that a program would follow to other files
or run (playlists, stream descriptions, shell scripts). Those last ones matter because
FFmpeg and browsers act on such text; a text record must only ever be read.

The order of checks: binary signatures (a table), container formats that need a look
inside (RIFF, AIFF, ISO-BMFF, EBML, MPEG audio), then text.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .base import Detected, MediaError

HEAD_SIZE = 8192

EMPTY = "The file is empty."
PROGRAM = "Programs are not accepted."
VIDEO_FORMAT = "This video format is not supported; export it as MP4 (H.264) or WebM."
HEIC = "HEIC images are not supported yet; export the photo as JPEG or PNG."
SVG = "SVG files are not accepted because they can carry scripts; export the drawing as PNG."
PLAYLIST = (
    "This looks like a media playlist that points at other files; upload the media file itself."
)
HTML = "HTML pages are not accepted; paste the text as a text record instead."
XML = "XML files are not accepted; if this is writing, save it as plain text or Markdown."
SCRIPT = 'Scripts are not accepted; if this is writing, remove the first line starting with "#!".'
UNSUPPORTED = (
    "This file type is not supported. Ensemble accepts images (JPEG, PNG, GIF, WebP, AVIF, "
    "TIFF, BMP), audio, video, text and PDF, ZIP, MIDI, PSD and Blender files."
)


def _image(fmt: str, mime: str, label: str, ext: str) -> Detected:
    return Detected("image", fmt, mime, label, ext)


def _av(fmt: str, mime: str, label: str, ext: str) -> Detected:
    return Detected("av", fmt, mime, label, ext)


def _other(fmt: str, mime: str, label: str, ext: str) -> Detected:
    return Detected("other", fmt, mime, label, ext)


JPEG = _image("JPEG", "image/jpeg", "JPEG image", ".jpg")
GIF = _image("GIF", "image/gif", "GIF image", ".gif")
TIFF = _image("TIFF", "image/tiff", "TIFF image", ".tif")
ZIP = _other("zip", "application/zip", "ZIP archive", ".zip")
OGG = _av("ogg", "audio/ogg", "Ogg media", ".ogg")
FLAC = _av("flac", "audio/flac", "FLAC audio", ".flac")
MP3 = _av("mp3", "audio/mpeg", "MP3 audio", ".mp3")
AAC = _av("aac", "audio/aac", "AAC audio", ".aac")
TEXT = Detected("text", "markdown", "text/plain; charset=utf-8", "Text", ".txt")
MARKDOWN = Detected("text", "markdown", "text/plain; charset=utf-8", "Text", ".md")

# Signatures at offset 0: what the file is, or the reason it is refused.
MAGIC: list[tuple[bytes, Detected | str]] = [
    (b"\x89PNG\r\n\x1a\n", _image("PNG", "image/png", "PNG image", ".png")),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"OggS\x00", OGG),
    (b"fLaC", FLAC),
    (b"%PDF-", _other("pdf", "application/pdf", "PDF document", ".pdf")),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # an empty archive
    (b"\x1f\x8b", _other("gzip", "application/gzip", "gzip archive", ".gz")),
    (b"7z\xbc\xaf\x27\x1c", _other("7z", "application/x-7z-compressed", "7-Zip archive", ".7z")),
    (b"MThd\x00\x00\x00\x06", _other("midi", "audio/midi", "MIDI file", ".mid")),
    (b"8BPS", _other("psd", "image/vnd.adobe.photoshop", "Photoshop document", ".psd")),
    (b"BLENDER", _other("blend", "application/x-blender", "Blender file", ".blend")),
    (b"{\\rtf", _other("rtf", "application/rtf", "RTF document", ".rtf")),
    (b"FLV\x01", VIDEO_FORMAT),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c", VIDEO_FORMAT),  # ASF
    (b"\x00\x00\x01\xba", VIDEO_FORMAT),  # MPEG program stream (VOB, .mpg)
    (b"\x7fELF", PROGRAM),
    (b"\xfe\xed\xfa\xce", PROGRAM),  # Mach-O, 32 and 64 bits, both byte orders
    (b"\xfe\xed\xfa\xcf", PROGRAM),
    (b"\xce\xfa\xed\xfe", PROGRAM),
    (b"\xcf\xfa\xed\xfe", PROGRAM),
    (b"\xca\xfe\xba\xbe", PROGRAM),  # Mach-O universal binary (and Java classes)
]

AVIF_BRANDS = {b"avif", b"avis"}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def detect(path: Path) -> Detected:
    """Say what the file at `path` is from its first bytes, or raise MediaError."""
    with path.open("rb") as f:
        head = f.read(HEAD_SIZE)
        if not head:
            raise MediaError(EMPTY)
        if head.startswith(b"ID3") and head[3:4] in (b"\x02", b"\x03", b"\x04"):
            # An ID3 tag (often with cover art, so it can be large) is a prefix of MP3 or
            # FLAC audio; the format is decided by what follows it.
            f.seek(_id3_size(head))
            return _after_id3(f.read(HEAD_SIZE))
    found = _by_signature(head) or _by_structure(head) or _as_text(head, len(head) < HEAD_SIZE)
    if found is None:
        raise MediaError(UNSUPPORTED)
    return found


def _by_signature(head: bytes) -> Detected | None:
    for magic, outcome in MAGIC:
        if head.startswith(magic):
            if isinstance(outcome, str):
                raise MediaError(outcome)
            return outcome
    return None


def _by_structure(head: bytes) -> Detected | None:
    """Formats recognised from a few fields rather than one fixed signature."""
    if head[:4] == b"RIFF" and len(head) >= 12:
        return _riff(head[8:12])
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return _av("aiff", "audio/aiff", "AIFF audio", ".aiff")
    if head[4:8] == b"ftyp":
        return _ftyp(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _matroska(head)
    if head[:1] == b"\x47" and head[188:189] == b"\x47" and head[376:377] in (b"", b"\x47"):
        raise MediaError(VIDEO_FORMAT)  # MPEG transport stream: a 0x47 every 188 bytes
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        raise MediaError(PROGRAM)  # a Windows/DOS executable (text may start "MZ" too)
    if head.startswith(b"BM") and _plausible_bmp(head):
        return _image("BMP", "image/bmp", "BMP image", ".bmp")
    return _bare_audio(head)


def _riff(form: bytes) -> Detected | None:
    if form == b"WEBP":
        return _image("WEBP", "image/webp", "WebP image", ".webp")
    if form == b"WAVE":
        return _av("wav", "audio/wav", "WAV audio", ".wav")
    if form == b"AVI ":
        raise MediaError(VIDEO_FORMAT)
    return None


def _ftyp(head: bytes) -> Detected:
    """ISO base media (MP4, MOV, M4A, 3GP, AVIF, HEIC): the brands name what is inside."""
    box_size = int.from_bytes(head[:4], "big")
    end = min(len(head), box_size if box_size >= 16 else 16)
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & AVIF_BRANDS:
        return _image("AVIF", "image/avif", "AVIF image", ".avif")
    if brands & HEIF_BRANDS:
        raise MediaError(HEIC)
    if major == b"M4A ":
        return _av("mov", "audio/mp4", "MPEG-4 audio", ".m4a")
    if major == b"qt  ":
        return _av("mov", "video/mp4", "QuickTime video", ".mov")
    return _av("mov", "video/mp4", "MP4 video", ".mp4")


def _matroska(head: bytes) -> Detected:
    if _ebml_doctype(head) == b"webm":
        return _av("matroska", "video/webm", "WebM video", ".webm")
    return _av("matroska", "video/x-matroska", "Matroska video", ".mkv")


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType element (ID 0x4282) of the EBML header: "webm" or "matroska"."""
    try:
        size, pos = _vint(head, 4)
        end = min(pos + size, len(head))
        while pos < end:
            id_length = _vint_length(head[pos])
            element_id = head[pos : pos + id_length]
            size, pos = _vint(head, pos + id_length)
            if element_id == b"\x42\x82":
                return head[pos : pos + size].rstrip(b"\x00")
            pos += size
    except (IndexError, ValueError):
        return None
    return None


def _vint_length(first: int) -> int:
    """EBML variable-size integers announce their length by their leading zero bits."""
    for length in range(1, 9):
        if first & (0x80 >> (length - 1)):
            return length
    raise ValueError("not an EBML variable-size integer")


def _vint(data: bytes, pos: int) -> tuple[int, int]:
    length = _vint_length(data[pos])
    value = data[pos] & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return value, pos + length


def _plausible_bmp(head: bytes) -> bool:
    """ "BM" is also how plenty of text starts: want a known DIB header size too."""
    dib_size = int.from_bytes(head[14:18], "little")
    return len(head) >= 26 and dib_size in (12, 16, 40, 52, 56, 64, 108, 124)


def _id3_size(head: bytes) -> int:
    """Bytes taken by an ID3v2 tag: 10 of header, the syncsafe size, 10 more if a footer."""
    size_bytes = head[6:10]
    if len(size_bytes) < 4 or any(b & 0x80 for b in size_bytes):
        raise MediaError(UNSUPPORTED)
    size = 0
    for byte in size_bytes:
        size = (size << 7) | byte
    has_footer = bool(head[5] & 0x10)
    return 10 + size + (10 if has_footer else 0)


def _after_id3(data: bytes) -> Detected:
    data = data.lstrip(b"\x00")  # some taggers pad beyond the declared size
    if data.startswith(b"fLaC"):
        return FLAC
    found = _bare_audio(data, need_second_frame=False)
    if found is None:
        raise MediaError(UNSUPPORTED)
    return found


# MPEG audio frame header fields (ISO 11172-3 / 13818-3), in kbit/s and Hz.
_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}
_VERSIONS = {0b00: 25, 0b10: 2, 0b11: 1}  # 0b01 is reserved
_LAYERS = {0b01: 3, 0b10: 2, 0b11: 1}  # 0b00 is reserved


def _mpeg_frame_length(data: bytes, pos: int) -> int | None:
    """Length of the MPEG audio frame whose header starts at `pos`, or None if none does."""
    header = data[pos : pos + 4]
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = _VERSIONS.get((header[1] >> 3) & 0b11)
    layer = _LAYERS.get((header[1] >> 1) & 0b11)
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 0b11
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None  # free-format streams (index 0) are too rare to be worth the risk
    bitrate = _BITRATES[(min(version, 2), layer)][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 72 if layer == 3 and version != 1 else 144
    return per_frame * bitrate // rate + padding


def _adts_frame_length(data: bytes, pos: int) -> int | None:
    """Length of the ADTS (AAC) frame at `pos`: sync 0xFFF, layer 00, a valid rate index."""
    header = data[pos : pos + 7]
    if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return None
    if (header[2] >> 2) & 0x0F > 12:
        return None
    length = ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5)
    return length if length >= 7 else None


def _bare_audio(data: bytes, need_second_frame: bool = True) -> Detected | None:
    """MP3 or AAC without a container: a frame header, and the next one where it should be.

    A lone sync pattern (eleven set bits) turns up in random data, so a second frame at
    the computed offset is required, unless the data ends first or an ID3 tag already
    said this is audio.
    """
    for frame_length, found in ((_mpeg_frame_length, MP3), (_adts_frame_length, AAC)):
        length = frame_length(data, 0)
        if length is None:
            continue
        if not need_second_frame or length + 4 > len(data) or frame_length(data, length):
            return found
    return None


# Text that a program would follow (to other files, to the network) or run.
_HTML_TAG = re.compile(r"<(!doctype\s+html|html|head|body|script|iframe)[\s>/]", re.IGNORECASE)
_LEADING_COMMENTS = re.compile(r"\A(\s*<!--.*?-->)*\s*", re.DOTALL)
_MARKDOWN_HINT = re.compile(r"^(#{1,6} |[-*+] |> |```)|\*\*|\]\(", re.MULTILINE)
_CONCAT_DIRECTIVES = {
    "ffconcat",
    "file",
    "duration",
    "inpoint",
    "outpoint",
    "option",
    "stream",
    "exact_stream_id",
    "stream_meta",
    "stream_codec",
    "stream_extradata",
    "file_packet_meta",
    "file_packet_metadata",
    "chapter",
}
_PLAYLIST_ROOTS = ("<mpd", "<asx", "<playlist", "<smoothstreamingmedia")


def _as_text(head: bytes, complete: bool) -> Detected | None:
    """UTF-8 text without NUL bytes is text, unless it is one of the refused kinds."""
    if b"\x00" in head:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # Not final unless the file ended: a character cut by the chunk's end is fine.
        text = decoder.decode(head, final=complete)
    except UnicodeDecodeError:
        return None
    text = text.removeprefix("\ufeff")
    _refuse_active_text(text)
    return MARKDOWN if _MARKDOWN_HINT.search(text) else TEXT


def _refuse_active_text(text: str) -> None:
    start = text.lstrip()
    lower = start.lower()
    first_line = lower.split("\n", 1)[0].strip()
    if start.startswith("#!"):
        raise MediaError(SCRIPT)
    if lower.startswith(("#extm3u", "[playlist]", "ffconcat version")) or "#ext-x-" in lower:
        raise MediaError(PLAYLIST)
    if first_line == "v=0":  # SDP: describes network streams for a player to connect to
        raise MediaError(PLAYLIST)
    if _is_concat_list(start):
        raise MediaError(PLAYLIST)
    markup = _LEADING_COMMENTS.sub("", lower, count=1)
    if markup.startswith("<?xml"):
        markup = _LEADING_COMMENTS.sub("", markup[markup.find("?>") + 2 :], count=1)
        _refuse_markup(markup)
        raise MediaError(XML)
    _refuse_markup(markup)
    if _HTML_TAG.search(lower[:1024]):
        raise MediaError(HTML)


def _refuse_markup(markup: str) -> None:
    """After any XML declaration and comments: refuse by the root element's name."""
    if markup.startswith(("<svg", "<!doctype svg")):
        raise MediaError(SVG)
    if markup.startswith(_PLAYLIST_ROOTS):
        raise MediaError(PLAYLIST)
    if markup.startswith(("<!doctype html", "<html")):
        raise MediaError(HTML)
    if markup.startswith("<!doctype"):
        raise MediaError(XML)


def _is_concat_list(text: str) -> bool:
    """FFmpeg's concat list without its header: directives only, at least one `file`.

    The whole chunk must read like one, so a poem whose first line starts "file " is
    still a poem. The last line may be cut by the chunk's end: a prefix is enough there.
    """
    lines = (line.strip() for line in text.splitlines())
    words = [line.split(None, 1)[0] for line in lines if line and not line.startswith("#")]
    if "file" not in words:
        return False
    *body, last = words
    return set(body) <= _CONCAT_DIRECTIVES and any(d.startswith(last) for d in _CONCAT_DIRECTIVES)
