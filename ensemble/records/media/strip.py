"""Remove private metadata (location, camera serials, comments) from image files, byte-level.

The pixels are copied as they are: no re-encoding, no quality lost, and fast. Each
function writes `out_path` and returns whether anything was removed (when nothing was,
the caller serves the original and can delete `out_path`). Orientation is the one EXIF
field kept, in a fresh minimal EXIF block, because without it a portrait photo would be
shown on its side.

A structure the function cannot follow raises `ValueError`; the caller then re-encodes
the pixels instead, because serving the original could leak what we failed to remove.
"""

from __future__ import annotations

import mmap
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

from PIL import ExifTags, Image

COPY_CHUNK = 1024 * 1024
# An EXIF block bigger than this is not read for its orientation (JPEG caps them at 64 KB).
MAX_EXIF = 1024 * 1024

# JPEG markers. APP1 holds Exif and XMP, APP13 IPTC/Photoshop data, COM free text.
SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
APP0, APP1, APP2, APP13, COM = 0xE0, 0xE1, 0xE2, 0xED, 0xFE
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
PRIVATE_PNG_CHUNKS = {b"eXIf", b"tEXt", b"zTXt", b"iTXt"}
PRIVATE_WEBP_CHUNKS = {b"EXIF", b"XMP "}
WEBP_EXIF_FLAG, WEBP_XMP_FLAG = 0x08, 0x04


def orientation_of(exif_data: bytes) -> int | None:
    """The Orientation tag of an EXIF block (with or without the "Exif\\0\\0" prefix)."""
    exif = Image.Exif()
    try:
        exif.load(exif_data)
    except (OSError, SyntaxError, ValueError, struct.error):
        return None  # unreadable EXIF: nothing to carry over, and it is dropped anyway
    value = exif.get(ExifTags.Base.Orientation)
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def minimal_exif(orientation: int) -> bytes:
    """An EXIF block holding only the orientation, starting with b"Exif\\0\\0"."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif.tobytes()


def strip_jpeg(src: Path, out_path: Path) -> bool:
    """Copy a JPEG without its APP1 (Exif, XMP), APP13 (IPTC), COM and MPF segments.

    Steps:
    1. Walk the segments before the first scan, keeping all but the private ones, and
       remember the orientation from the Exif segment.
    2. Write them, with a fresh Exif segment (orientation only) after APP0 (JFIF wants
       to come first) if the original had an orientation.
    3. Copy the scans, walking the segments between scans the same way (progressive
       files have several), up to the end-of-image marker.
    Whatever follows the end of the image is dropped: phones append depth maps, extra
    pictures or short videos there (the MPF segment indexes them), each with its own
    metadata.
    """
    with src.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:2] != b"\xff\xd8":
            raise ValueError("not a JPEG")
        header, pos, orientation, removed = _jpeg_segments(data, 2)
        if orientation is not None:
            at = 1 if header and header[0][1] == APP0 else 0
            exif = minimal_exif(orientation)
            header.insert(at, (b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif, APP1))
        with out_path.open("wb") as out:
            out.write(b"\xff\xd8")
            for segment, _ in header:
                out.write(segment)
            removed |= _copy_jpeg_scans(data, pos, out)
    return removed


def _jpeg_segments(
    data: mmap.mmap, pos: int
) -> tuple[list[tuple[bytes, int]], int, int | None, bool]:
    """Segments from `pos` up to and including the next SOS: (kept, next pos, orientation,
    whether any were dropped). Segments are small (at most 64 KB each)."""
    kept: list[tuple[bytes, int]] = []
    orientation = None
    removed = False
    while True:
        pos, marker = _next_marker(data, pos)
        if marker in STANDALONE:
            kept.append((bytes([0xFF, marker]), marker))
            pos += 2
            continue
        if marker in (SOI, EOI):
            raise ValueError("unexpected JPEG marker before the image data")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos : pos + 2 + length]
        if len(segment) < 4 or len(segment) != 2 + length:
            raise ValueError("JPEG segment runs past the end of the file")
        pos += 2 + length
        if _is_private_segment(marker, segment[4:]):
            removed = True
            if marker == APP1 and segment[4:10] == b"Exif\x00\x00":
                orientation = orientation_of(segment[4:]) or orientation
            continue
        kept.append((segment, marker))
        if marker == SOS:
            return kept, pos, orientation, removed


def _is_private_segment(marker: int, payload: bytes) -> bool:
    if marker in (APP1, APP13, COM):
        return True
    return marker == APP2 and payload.startswith(b"MPF\x00")


def _next_marker(data: mmap.mmap, pos: int) -> tuple[int, int]:
    """Position and code of the marker at `pos`, skipping fill bytes (0xFF repeated)."""
    if data[pos : pos + 1] != b"\xff":
        raise ValueError("expected a JPEG marker")
    while data[pos + 1 : pos + 2] == b"\xff":
        pos += 1
    code = data[pos + 1 : pos + 2]
    if not code:
        raise ValueError("JPEG ends inside a marker")
    return pos, code[0]


def _copy_jpeg_scans(data: mmap.mmap, pos: int, out: BinaryIO) -> bool:
    """Copy entropy-coded data and the segments between scans; True if anything dropped."""
    removed = False
    while True:
        end = _scan_end(data, pos)
        _copy_range(data, pos, end, out)
        if end >= len(data):
            return removed  # no end-of-image marker: copied what there is
        _, marker = _next_marker(data, end)
        if marker == EOI:
            out.write(b"\xff\xd9")
            return removed or _eoi_end(data, end) < len(data)
        segments, pos, _, dropped = _jpeg_segments(data, end)
        removed |= dropped
        for segment, _ in segments:
            out.write(segment)


def _eoi_end(data: mmap.mmap, eoi_pos: int) -> int:
    pos, _ = _next_marker(data, eoi_pos)
    return pos + 2


def _scan_end(data: mmap.mmap, pos: int) -> int:
    """Where the entropy-coded data from `pos` ends: the first 0xFF not followed by a
    stuffed zero, a restart marker or another 0xFF."""
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= len(data):
            return len(data)
        follower = data[found + 1]
        if follower == 0 or 0xD0 <= follower <= 0xD7:
            pos = found + 2
        elif follower == 0xFF:
            pos = found + 1
        else:
            return found


def _copy_range(data: mmap.mmap, start: int, end: int, out: BinaryIO) -> None:
    for chunk_start in range(start, end, COPY_CHUNK):
        out.write(data[chunk_start : min(end, chunk_start + COPY_CHUNK)])


def strip_png(src: Path, out_path: Path) -> bool:
    """Copy a PNG without its text (tEXt, zTXt, iTXt: comments, XMP) and eXIf chunks.

    Each chunk has its own CRC, so the others are copied untouched. An eXIf chunk with an
    orientation is replaced by a minimal one. Anything after IEND is dropped.
    """
    removed = False
    with src.open("rb") as f, out_path.open("wb") as out:
        signature = f.read(8)
        if signature != b"\x89PNG\r\n\x1a\n":
            raise ValueError("not a PNG")
        out.write(signature)
        while True:
            head = f.read(8)
            if len(head) < 8:
                raise ValueError("PNG ends before IEND")
            length, kind = struct.unpack(">I", head[:4])[0], head[4:]
            if kind in PRIVATE_PNG_CHUNKS:
                removed = True
                orientation = _skip_reading_orientation(f, length + 4, kind == b"eXIf")
                if orientation is not None:
                    out.write(_png_chunk(b"eXIf", minimal_exif(orientation)[6:]))
                continue
            out.write(head)
            _copy_exactly(f, out, length + 4)
            if kind == b"IEND":
                return removed or bool(f.read(1))


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def strip_webp(src: Path, out_path: Path) -> bool:
    """Copy a WebP without its EXIF and XMP chunks, with the VP8X flags and RIFF size fixed.

    Only the extended format (a VP8X chunk first) can carry metadata; a simple WebP is
    returned unchanged (False). An EXIF chunk with an orientation is replaced by one that
    holds only the orientation.
    """
    removed = False
    with src.open("rb") as f, out_path.open("wb") as out:
        riff = f.read(12)
        if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:] != b"WEBP":
            raise ValueError("not a WebP")
        riff_end = 8 + struct.unpack("<I", riff[4:8])[0]
        out.write(riff)
        vp8x: tuple[int, int] | None = None  # where the VP8X flags byte is, and its value
        kept_exif = False
        while f.tell() + 8 <= riff_end:
            head = _read_exactly(f, 8)
            kind, length = head[:4], struct.unpack("<I", head[4:])[0]
            padded = length + (length & 1)
            if kind in PRIVATE_WEBP_CHUNKS:
                removed = True
                orientation = _skip_reading_orientation(f, padded, kind == b"EXIF")
                if orientation is not None:
                    out.write(_webp_exif_chunk(orientation))
                    kept_exif = True
                continue
            if kind == b"VP8X" and length >= 1:
                vp8x = (out.tell() + 8, f.read(1)[0])
                f.seek(-1, 1)
            out.write(head)
            _copy_exactly(f, out, padded)
        removed |= f.seek(0, 2) > riff_end  # trailing bytes after the RIFF are dropped
        total = out.tell()
        out.seek(4)
        out.write(struct.pack("<I", total - 8))
        if vp8x is not None:
            at, flags = vp8x
            out.seek(at)
            out.write(bytes([_webp_flags(flags, kept_exif)]))
    return removed


def _webp_exif_chunk(orientation: int) -> bytes:
    exif = minimal_exif(orientation)[6:]  # WebP stores the bare TIFF data, no "Exif" prefix
    return b"EXIF" + struct.pack("<I", len(exif)) + exif + b"\0" * (len(exif) & 1)


def _webp_flags(flags: int, keep_exif: bool) -> int:
    """VP8X flags must only announce chunks that are present."""
    flags &= ~WEBP_XMP_FLAG
    return flags if keep_exif else flags & ~WEBP_EXIF_FLAG


def _skip_reading_orientation(f: BinaryIO, size: int, is_exif: bool) -> int | None:
    """Move past a dropped chunk of `size` bytes; if it is EXIF, its orientation."""
    if is_exif and size <= MAX_EXIF:
        return orientation_of(_read_exactly(f, size))
    end = f.tell() + size
    if end > os.fstat(f.fileno()).st_size:
        raise ValueError("chunk runs past the end of the file")
    f.seek(end)
    return None


def _read_exactly(f: BinaryIO, size: int) -> bytes:
    data = f.read(size)
    if len(data) != size:
        raise ValueError("chunk runs past the end of the file")
    return data


def _copy_exactly(f: BinaryIO, out: BinaryIO, size: int) -> None:
    while size > 0:
        chunk = f.read(min(size, COPY_CHUNK))
        if not chunk:
            raise ValueError("chunk runs past the end of the file")
        out.write(chunk)
        size -= len(chunk)


# GIF blocks: an image, an extension, the end. Extensions: graphic control (delay,
# disposal, transparency), comment, plain text, application (loop count, XMP, ICC, ...).
GIF_IMAGE, GIF_EXTENSION, GIF_TRAILER = 0x2C, 0x21, 0x3B
GIF_CONTROL, GIF_COMMENT, GIF_PLAIN_TEXT, GIF_APPLICATION = 0xF9, 0xFE, 0x01, 0xFF
# Application extensions that are part of the picture: loop counts and the colour profile.
GIF_KEPT_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"}


def strip_gif(src: Path, out_path: Path) -> bool:
    """Copy a GIF without comments, plain-text blocks and application extensions other
    than the loop count and colour profile (XMP lives in one), nor bytes after its end.

    Frames, delays, disposal, transparency and the loop count are copied byte for byte.
    A graphic control block belongs to the next image or plain-text block; one whose
    plain-text block is dropped is dropped with it.
    """
    data = src.read_bytes()
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise ValueError("not a GIF")
    pos = 13
    if data[10] & 0x80:  # global colour table
        pos += 3 << ((data[10] & 7) + 1)
    kept = [data[:pos]]
    removed = False
    control = b""  # a graphic control block waiting for what it controls
    while True:
        if pos >= len(data):
            raise ValueError("GIF ends before its trailer")
        block = data[pos]
        if block == GIF_TRAILER:
            removed = removed or pos + 1 < len(data)
            kept.append(b";")
            break
        if block == GIF_IMAGE:
            end = _gif_image_end(data, pos)
            kept += [control, data[pos:end]]
            control, pos = b"", end
            continue
        if block != GIF_EXTENSION or pos + 2 > len(data):
            raise ValueError("unexpected GIF block")
        label = data[pos + 1]
        end = _gif_sub_blocks_end(data, pos + 2)
        if label == GIF_CONTROL:
            control = data[pos:end]
        elif label == GIF_APPLICATION and data[pos + 3 : pos + 14] in GIF_KEPT_APPLICATIONS:
            kept.append(data[pos:end])
        else:
            removed = True  # comment, plain text, XMP or any other application data
            if label == GIF_PLAIN_TEXT:
                control = b""
        pos = end
    if removed:
        out_path.write_bytes(b"".join(kept))
    return removed


def _gif_image_end(data: bytes, pos: int) -> int:
    """The end of an image block: descriptor, local colour table, LZW data."""
    if pos + 11 > len(data):
        raise ValueError("GIF ends inside an image descriptor")
    flags = data[pos + 9]
    pos += 10
    if flags & 0x80:
        pos += 3 << ((flags & 7) + 1)
    return _gif_sub_blocks_end(data, pos + 1)  # after the LZW minimum code size


def _gif_sub_blocks_end(data: bytes, pos: int) -> int:
    """Past the chain of sized sub-blocks starting at `pos` and its empty terminator."""
    while True:
        if pos >= len(data):
            raise ValueError("GIF ends inside a block")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
