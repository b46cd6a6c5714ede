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
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Far above any real avatar, far below what a decompression bomb would expand to.
MAX_PIXELS = 40_000_000


def process_avatar(upload: UploadedFile) -> ContentFile:
    """Return a 512×512 WebP of the upload, or raise ValidationError saying what is wrong.

    The type comes from the bytes, never from the file name or the browser's header.
    Re-encoding drops EXIF (including location) after applying its orientation.
    """
    if upload.size is not None and upload.size > settings.AVATAR_MAX_BYTES:
        limit_mb = settings.AVATAR_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The avatar is too large; the limit is {limit_mb} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise ValidationError("The avatar must be a JPEG, PNG, WebP or GIF image.")
                if width * height > MAX_PIXELS:
                    raise ValidationError("The avatar has too many pixels (40 megapixels at most).")
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image = ImageOps.fit(
                    image.convert("RGB"), (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS
                )
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("The avatar must be a JPEG, PNG, WebP or GIF image.") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError("The avatar image is damaged and could not be read.") from None
    out = io.BytesIO()
    image.save(out, "WEBP", quality=85, method=4)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(12)}.webp")
