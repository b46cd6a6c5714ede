"""Avatar uploads: checked from their content, squared, resized, stripped of metadata."""

from __future__ import annotations

import io
import secrets
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

AVATAR_SIZE = 512
# Pillow names a JPEG that carries extra pictures (a depth map, a preview: common from
# phone cameras) "MPO"; it is still a JPEG, and only its first picture is used.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
# JPEGs decode straight at 1/2, 1/4 or 1/8 scale (Pillow's draft mode), so even a
# 100-megapixel photo costs a few MB; other formats decode in full (4 bytes a pixel),
# so they are held to a size whose decoding stays near 64 MB.
MAX_PIXELS = {"JPEG": 100_000_000, "MPO": 100_000_000}
MAX_PIXELS_OTHER = 16_000_000


def readable_size(n: int) -> str:
    """A byte count as people read it: "5 MB", "800 KB"."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{max(1, round(n / 1024))} KB"


def _too_many_pixels(limit: int) -> str:
    return f"The avatar has too many pixels ({limit // 1_000_000} megapixels at most)."


def too_large_message() -> str:
    return f"The avatar is too large; the limit is {readable_size(settings.AVATAR_MAX_BYTES)}."


def process_avatar(upload: UploadedFile) -> ContentFile:
    """Return a 512×512 WebP of the upload, or raise ValidationError saying what is wrong.

    The type comes from the bytes, never from the file name or the browser's header.
    Re-encoding drops EXIF (including location) after applying its orientation.
    """
    if upload.size is not None and upload.size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(too_large_message())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise ValidationError("The avatar must be a JPEG, PNG, WebP or GIF image.")
                limit = MAX_PIXELS.get(fmt or "", MAX_PIXELS_OTHER)
                if width * height > limit:
                    raise ValidationError(_too_many_pixels(limit))
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as opened:
                if opened.format in MAX_PIXELS:
                    opened.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))
                opened.load()
                upright = ImageOps.exif_transpose(opened)
                image = ImageOps.fit(
                    upright.convert("RGB"), (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS
                )
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses to even open these, before our own pixel count can run.
        raise ValidationError(_too_many_pixels(MAX_PIXELS_OTHER)) from None
    except UnidentifiedImageError:
        raise ValidationError("The avatar must be a JPEG, PNG, WebP or GIF image.") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError("The avatar image is damaged and could not be read.") from None
    out = io.BytesIO()
    image.save(out, "WEBP", quality=85, method=4)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(12)}.webp")
