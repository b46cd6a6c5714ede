"""Small generated images, some of them with private metadata, some hostile or broken.

Each function returns the file's bytes and, given a path, writes them there too. The
location used is a made-up point (Amsterdam's Dam square); the XMP packet carries it as
well, so a test can check both places where cameras and editors put GPS.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import ExifTags, Image, PngImagePlugin, TiffImagePlugin

GPS = {1: "N", 2: (52.0, 22.0, 23.0), 3: "E", 4: (4.0, 53.0, 38.0)}
XMP_MARKER = b"exif:GPSLatitude"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,22.38N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
# The GPS IFD pointer (tag 0x8825, type LONG, count 1) as it appears in either byte order.
GPS_POINTER = (b"\x88\x25\x00\x04\x00\x00\x00\x01", b"\x25\x88\x04\x00\x01\x00\x00\x00")


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """A gradient with a bright top-left corner, so orientation and scaling show."""
    width, height = size
    down = Image.linear_gradient("L").resize(size)
    across = Image.linear_gradient("L").rotate(90).resize(size)
    image = Image.merge("RGB", (down, across, Image.new("L", size, 128)))
    image.paste((255, 255, 0), (0, 0, max(1, width // 4), max(1, height // 4)))
    return image.convert(mode)


def private_exif(orientation: int | None = 6, gps: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Ensemble Test Camera"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    return exif


def _save(image: Image.Image, path: Path | None, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    data = buffer.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def jpeg_with_exif(
    path: Path | None = None,
    size: tuple[int, int] = (64, 48),
    orientation: int | None = 6,
    gps: bool = True,
    mode: str = "RGB",
) -> bytes:
    """A JPEG with EXIF (orientation, GPS), XMP with a location and a comment."""
    exif = private_exif(orientation, gps)
    return _save(picture(size, mode), path, "JPEG", quality=90, exif=exif, xmp=XMP, comment=b"hi")


def png_with_text_chunk(
    path: Path | None = None, size: tuple[int, int] = (64, 48), mode: str = "RGBA"
) -> bytes:
    """A PNG with tEXt, zTXt and iTXt chunks (one holding XMP) and an eXIf chunk with GPS."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made at home")
    info.add_text("Location", "52.3731 N, 4.8922 E", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    exif = private_exif(orientation=None)
    return _save(picture(size, mode), path, "PNG", pnginfo=info, exif=exif)


def webp_with_exif(
    path: Path | None = None, size: tuple[int, int] = (64, 48), orientation: int | None = 6
) -> bytes:
    """An extended (VP8X) WebP with EXIF (GPS, orientation) and XMP chunks, and alpha."""
    exif = private_exif(orientation)
    image = picture(size, "RGBA")
    image.putalpha(Image.linear_gradient("L").resize(size))
    return _save(image, path, "WEBP", exif=exif, xmp=XMP, quality=80)


def tiff_with_exif(path: Path | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    """A TIFF naming its camera and carrying a GPS sub-IFD among its own tags."""
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[ExifTags.Base.Make] = "Ensemble Test Camera"
    tags[ExifTags.IFD.GPSInfo] = GPS
    return _save(picture(size), path, "TIFF", tiffinfo=tags)


def animated_gif(
    path: Path | None = None,
    size: tuple[int, int] = (40, 30),
    comment: bytes | None = None,
    xmp: bool = False,
) -> bytes:
    """Three frames (100, 200, 300 ms), looping forever, colour 0 transparent.

    `comment` goes into a comment block; `xmp` adds the XMP packet (with its location)
    the way Adobe writes it into GIFs: an "XMP DataXMP" application block whose raw bytes
    end in a 258-byte "magic trailer" that makes them parse as sub-blocks.
    """
    frames = [picture(size).rotate(angle).convert("P") for angle in (0, 90, 180)]
    params: dict[str, object] = {"comment": comment} if comment else {}
    data = _save(
        frames[0],
        None,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        transparency=0,
        disposal=2,
        **params,
    )
    if xmp:
        at = data.index(b"\x21\xff\x0bNETSCAPE2.0")
        trailer = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
        data = data[:at] + b"\x21\xff\x0bXMP DataXMP" + XMP + trailer + data[at:]
    if path is not None:
        path.write_bytes(data)
    return data


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(path: Path | None = None, width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels.

    The pixel data is a few rows only: the file must be refused from its header, before
    anything is decoded, so what follows the header does not matter.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = zlib.compress(b"\x00" + b"\x00" * (width * 3), 9)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )
    if path is not None:
        path.write_bytes(data)
    return data


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first `keep` share of a file, as an interrupted upload would leave it."""
    return data[: int(len(data) * keep)]
