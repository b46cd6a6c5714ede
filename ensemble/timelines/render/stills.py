"""Stills: a picture composed once into an output frame, then held for its seconds.

Steps:
1. Open lazily (Pillow reads the header only) and work out where the upright picture goes
   (`frames.place`; EXIF orientation turns a phone photo's width and height).
2. Decode at reduced scale where the format allows (`draft`: a JPEG decodes straight at
   1/2, 1/4 or 1/8 of its size), so a 12000 × 9000 photo shown at 1080p costs a tenth of
   its full size in memory and time; shrink the rest with `reduce` then Lanczos
   (`reducing_gap`), turn it upright, and paste it onto black (transparent parts black).
3. Convert once to yuv420p (BT.709, as the stream is tagged); the caller sends that same
   frame for every output frame of the shot.

Stills reach the renderer as records already processed (pixel limit checked, the format
sniffed), so Pillow's own decompression-bomb warning, set for 89 megapixels, is not ours
to raise here; its hard ceiling stays.
"""

from __future__ import annotations

import warnings

from av.video.frame import VideoFrame
from PIL import ExifTags, Image

from ensemble.records.media.processors.image import PILLOW_ERRORS, UPRIGHT

from ..plan import Still
from .encode import Encoding
from .errors import RenderError
from .frames import Placement, place

_SWAPPING = (  # the turns that swap width and height
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSPOSE,
    Image.Transpose.TRANSVERSE,
)
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
# The image formats `records.media.sniff` accepts. Naming them keeps Pillow from trying
# any other of its plugins on a file (EPS would run Ghostscript).
STILL_FORMATS = ("JPEG", "PNG", "GIF", "TIFF", "BMP", "WEBP", "AVIF")  # JPEG covers MPO


def still_frame(still: Still, encoding: Encoding) -> VideoFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(still.path, formats=STILL_FORMATS) as image:
                picture, position, upright = _decoded(image, still, encoding)
    except Image.DecompressionBombError:
        raise RenderError(f"{still.name}: the picture has too many pixels to show.") from None
    except PILLOW_ERRORS:
        # Pillow's messages name the file's path on the worker: no use to a leader.
        raise RenderError(
            f"{still.name}: the picture could not be read (the file is damaged or not a picture)."
        ) from None
    if upright is not None:
        picture = picture.transpose(upright)
    canvas = Image.new("RGB", (encoding.width, encoding.height), (0, 0, 0))
    mask = picture if picture.mode == "RGBA" else None  # transparent parts stay black
    canvas.paste(picture, position, mask)
    return VideoFrame.from_image(canvas).reformat(format="yuv420p", dst_colorspace="ITU709")


def _decoded(
    image: Image.Image, still: Still, encoding: Encoding
) -> tuple[Image.Image, tuple[int, int], Image.Transpose | None]:
    """Steps 1 and 2: the picture scaled for its placement but still in its stored
    orientation (RGB, or RGBA with transparency), where its top-left corner goes once
    upright, and the turn that makes it upright. Everything that decodes pixels happens
    here, while the file is open."""
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    upright = UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    turned = upright in _SWAPPING
    width, height = image.size
    frame = (encoding.width, encoding.height)
    placement = place(
        (height, width) if turned else (width, height), still.fit, frame, encoding.scale
    )
    # Scaled in its stored orientation and turned afterwards: turning the small picture
    # costs nothing, turning the original costs another copy of it.
    target = (placement.height, placement.width) if turned else (placement.width, placement.height)
    image.draft("RGB", target)  # JPEG only: decodes at the smallest scale at least `target`
    image.load()
    transparent = image.mode in _ALPHA_MODES or image.has_transparency_data
    mode = "RGBA" if transparent else "RGB"
    picture = image if image.mode == mode else image.convert(mode)
    if upright is None:
        # Only the part that shows is scaled (fill and crop cut the rest off): a 12000 ×
        # 9000 photo shown at its own size costs a frame-sized copy, not a second
        # 12000 × 9000 one. (Turned photos, a phone's 12 megapixels, are scaled whole.)
        return (
            _visible_part(picture, placement, frame),
            (
                max(0, placement.left),
                max(0, placement.top),
            ),
            None,
        )
    if picture.size != target:
        picture = picture.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    elif picture is image:
        picture = image.copy()  # closing the file would take the pixels with it
    return picture, (placement.left, placement.top), upright


def _visible_part(
    picture: Image.Image, placement: Placement, frame: tuple[int, int]
) -> Image.Image:
    """The part of the placed picture inside the frame, scaled from the matching box of
    `picture` (always a new image, so it outlives the file)."""
    x_scale = placement.width / picture.width
    y_scale = placement.height / picture.height
    left, top = max(0, -placement.left), max(0, -placement.top)
    right = min(placement.width, frame[0] - placement.left)
    bottom = min(placement.height, frame[1] - placement.top)
    box = (left / x_scale, top / y_scale, right / x_scale, bottom / y_scale)
    return picture.resize(
        (right - left, bottom - top), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0
    )
