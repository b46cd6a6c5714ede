"""Images: size checked before decoding, two WebP thumbnails, and a copy without metadata.

Steps:
1. Open lazily (Pillow reads only the header) and refuse images over the pixel limit
   before a single pixel is decoded: a 50,000 × 50,000 PNG is a few KB on disk and
   7.5 GB in memory.
2. Decode once at reduced scale (JPEGs decode at 1/2, 1/4, 1/8 directly via `draft`),
   make `thumb_large` and from it `thumb_small`, upright (EXIF orientation applied).
3. Make `download`: the original without location and other private metadata. JPEG, PNG,
   WebP and GIF (comments, XMP) are stripped at the byte level (`media/strip.py`, pixels
   and animation untouched); TIFF and AVIF with metadata are re-encoded as lossless PNG.
   When there was nothing to remove no `download` is made and the original is served as
   it is.
"""

from __future__ import annotations

import re
import struct
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from PIL import ExifTags, Image, ImageOps

from .. import strip
from ..base import Detected, Limits, MediaError, Progress, RenditionFile, Result

DAMAGED = "The image is damaged or incomplete and could not be read."
THUMBS = {"thumb_large": 1600, "thumb_small": 480}
WEBP_QUALITY = 82
PLAYS_IN_BROWSER = {"JPEG", "MPO", "PNG", "GIF", "WEBP", "AVIF"}
# Pillow calls a JPEG carrying extra pictures (phones: depth maps, previews) "MPO".
STRIPPERS: dict[str, tuple[Callable[[Path, Path], bool], str, str]] = {
    "JPEG": (strip.strip_jpeg, ".jpg", "image/jpeg"),
    "MPO": (strip.strip_jpeg, ".jpg", "image/jpeg"),
    "PNG": (strip.strip_png, ".png", "image/png"),
    "WEBP": (strip.strip_webp, ".webp", "image/webp"),
    "GIF": (strip.strip_gif, ".gif", "image/gif"),
}
# TIFF tags about the picture's making rather than the picture: description, camera,
# software, date, artist, computer, XMP, IPTC, Photoshop resources, Exif and GPS sub-IFDs.
TIFF_PRIVATE_TAGS = {270, 271, 272, 305, 306, 315, 316, 700, 33723, 34377, 34665, 34853}
# What Pillow raises on malformed files (UnidentifiedImageError is an OSError).
PILLOW_ERRORS = (OSError, SyntaxError, ValueError, IndexError, EOFError, struct.error)
# EXIF orientation → the transposition that makes the picture upright.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def process(
    src: Path, found: Detected, out_dir: Path, limits: Limits, progress: Progress
) -> Result:
    with _reading(limits), _open(src, found.fmt, limits) as image:
        progress(0.1)
        fmt = image.format or found.fmt
        orientation = _orientation(image)
        width, height = image.size
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        metadata: dict[str, object] = {
            "width": width,
            "height": height,
            "plays_in_browser": fmt in PLAYS_IN_BROWSER,
            "animated": bool(getattr(image, "is_animated", False)),
        }
        has_metadata = _carries_metadata(image, fmt)
        thumbnails = _thumbnails(image, UPRIGHT.get(orientation), limits)
    # Saved outside `_reading`: a failure to write is ours, not a damaged upload.
    renditions = [_save_webp(picture, role, out_dir) for role, picture in thumbnails]
    progress(0.6)
    download = _download(src, fmt, out_dir, limits, has_metadata)
    if download is not None:
        download.width, download.height = download.width or width, download.height or height
        renditions.append(download)
    progress(1.0)
    return Result(kind="image", metadata=metadata, renditions=renditions)


@contextmanager
def _reading(limits: Limits) -> Iterator[None]:
    """Turn every way Pillow can fail on a bad file into a MediaError for the uploader.

    Pillow also guards against decompression bombs on its own, on open and again while
    decoding (GIF frames larger than the canvas, TIFF tiles): its warning becomes an
    error here, and both become our "too many pixels" message.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise MediaError(_too_many_pixels_from(str(error), limits)) from None
    except PILLOW_ERRORS:
        raise MediaError(DAMAGED) from None


@contextmanager
def _open(src: Path, fmt: str, limits: Limits) -> Iterator[Image.Image]:
    """Open as the sniffed format only (never let Pillow guess another) and check the
    pixel count from the header, before anything is decoded."""
    formats = ["JPEG", "MPO"] if fmt in ("JPEG", "MPO") else [fmt]
    with warnings.catch_warnings():
        # Pillow's own limit (89 megapixels) is not ours; we check just below, with the
        # image's real dimensions in the message. Its hard ceiling (twice that) remains.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(src, formats=formats)
    with image:
        _check_pixels(image.size, limits)
        yield image


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(ExifTags.Base.Orientation)
    return value if isinstance(value, int) and value in UPRIGHT else 1


def _check_pixels(size: tuple[int, int], limits: Limits) -> None:
    width, height = size
    if width * height > limits.max_image_pixels:
        raise MediaError(
            f"The image is {width:,} × {height:,} pixels ({_megapixels(width * height)}); "
            f"the limit is {_megapixels(limits.max_image_pixels)}."
        )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:,.0f} megapixels"


def _too_many_pixels_from(pillow_message: str, limits: Limits) -> str:
    """Pillow's refusal names the pixel count but not the dimensions."""
    limit = _megapixels(limits.max_image_pixels)
    if counted := re.search(r"\((\d+) pixels\)", pillow_message):
        return f"The image has {_megapixels(int(counted[1]))}; the limit is {limit}."
    return f"The image has too many pixels; the limit is {limit}."


def _thumbnails(
    image: Image.Image, upright: Image.Transpose | None, limits: Limits
) -> list[tuple[str, Image.Image]]:
    """Decode once, at the smallest scale the large thumbnail allows, and shrink from it.

    Orientation is applied to the thumbnail rather than the original: rotating a
    100-megapixel image costs hundreds of MB, rotating 1600 × 1200 costs nothing.
    """
    largest = max(THUMBS.values())
    image.draft("RGB", (largest, largest))  # JPEG only; other formats ignore it
    image.load()  # the first frame of an animation
    _check_pixels(image.size, limits)  # GIF frames can grow the canvas while loading
    picture = _for_webp(image)
    picture.thumbnail((largest, largest), Image.Resampling.LANCZOS)
    if upright is not None:
        picture = picture.transpose(upright)
    picture.info = {}  # the thumbnails carry no metadata at all (nor an ICC profile)
    thumbnails = []
    for role, box in THUMBS.items():
        picture = picture.copy()
        picture.thumbnail((box, box), Image.Resampling.LANCZOS)  # never enlarges
        thumbnails.append((role, picture))
    return thumbnails


def _save_webp(picture: Image.Image, role: str, out_dir: Path) -> RenditionFile:
    path = out_dir / f"{role}.webp"
    picture.save(path, "WEBP", quality=WEBP_QUALITY, method=4)
    return RenditionFile(role, path, "image/webp", *picture.size)


def _for_webp(image: Image.Image) -> Image.Image:
    """The image in RGB, or RGBA when it has transparency (WebP keeps alpha)."""
    mode = image.mode
    if mode in ("RGB", "RGBA"):
        return image  # shrunk in place: no second full-size copy
    if mode.startswith("I;16"):
        return image.point(lambda value: value / 257, "L").convert("RGB")
    if mode in ("I", "F"):
        return _stretched(image).convert("RGB")
    if mode in ("LA", "PA", "RGBa", "La") or image.has_transparency_data:
        return image.convert("RGBA")
    return image.convert("RGB")  # L, 1, P, CMYK, YCbCr, LAB, HSV


def _stretched(image: Image.Image) -> Image.Image:
    """32-bit integer or float pixels (scientific scans) spread over 0–255."""
    floats = image.convert("F")
    low, high = cast(tuple[float, float], floats.getextrema())
    scale = 255 / (high - low) if high != low else 1.0
    return floats.point(lambda value: (value - low) * scale).convert("L")


def _carries_metadata(image: Image.Image, fmt: str) -> bool:
    """For formats we re-encode instead of strip: is there anything worth removing?"""
    if fmt == "TIFF":
        return bool(TIFF_PRIVATE_TAGS & set(image.getexif()))
    if fmt == "BMP":
        return False  # no EXIF or XMP to speak of
    return bool(image.getexif()) or any(key in image.info for key in ("xmp", "exif"))


def _download(
    src: Path, fmt: str, out_dir: Path, limits: Limits, has_metadata: bool
) -> RenditionFile | None:
    """The original without private metadata, or None when it has none to remove."""
    if fmt in STRIPPERS:
        strip_file, extension, content_type = STRIPPERS[fmt]
        path = out_dir / f"download{extension}"
        try:
            removed = strip_file(src, path)
        except ValueError:
            removed = None  # a structure the stripper cannot follow: re-encode instead
        if removed:
            return RenditionFile("download", path, content_type)
        path.unlink(missing_ok=True)
        if removed is False:
            return None
    elif not has_metadata:
        return None
    return _reencoded(src, fmt, out_dir, limits)


def _reencoded(src: Path, fmt: str, out_dir: Path, limits: Limits) -> RenditionFile:
    """A lossless PNG of the first frame, upright, with the ICC profile and nothing else."""
    path = out_dir / "download.png"
    with _reading(limits), _open(src, fmt, limits) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("1", "L", "LA", "I", "I;16", "RGB", "RGBA", "P"):
            upright = upright.convert("RGBA" if upright.has_transparency_data else "RGB")
        icc = image.info.get("icc_profile") if upright.mode == image.mode else None
        upright.info = {}
    upright.save(path, "PNG", icc_profile=icc, compress_level=6)
    return RenditionFile("download", path, "image/png", *upright.size)
