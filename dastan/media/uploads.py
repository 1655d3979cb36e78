"""Uploaded images: decoded before they are stored, cleaned, and stored under a name of their own.

A file is an image only if Pillow decodes it whole as one of ``FORMATS``. Whatever the client
called it, it is stored as ``<uuid>.<extension of the decoded format>``, so an upload can never
be served as HTML or SVG (active content) from ``/media/``. ``image_prepare`` then turns the
picture upright (EXIF orientation) and drops its metadata (EXIF with GPS position, XMP, PNG
text), so a reporter's phone never publishes where a photo was taken.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, features

from dastan.media.conf import image_setting

# Pillow format name -> stored extension. Raster formats browsers show; no SVG (it runs
# script), no BMP/TIFF/ICO (no reason for a news photo, more decoder surface).
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
if features.check("avif"):
    FORMATS["AVIF"] = "avif"


@dataclass(frozen=True)
class ImageCheck:
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return FORMATS[self.format]


def image_check(file: IO[bytes]) -> ImageCheck:
    """Decode ``file`` and return what it is; raise ValidationError unless it is a fit image."""
    max_bytes = image_setting("MAX_BYTES")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > max_bytes:
        raise ValidationError(
            "The image is %(size)s; the limit is %(limit)s.",
            code="image_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    try:
        # Pillow's own bomb guard becomes an error rather than a warning.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file, formats=list(FORMATS)) as image:
                found = ImageCheck(image.format, image.width, image.height)
                pixels = image.width * image.height * getattr(image, "n_frames", 1)
                _pixels_check(pixels)
                image.verify()
            # verify() leaves the image unusable: decode it again, whole, to catch truncation.
            file.seek(0)
            with Image.open(file, formats=list(FORMATS)) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "The image has too many pixels to be decoded safely.", code="image_too_many_pixels"
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow reports an unknown or broken file with any of these.
        raise ValidationError(
            "Upload a whole image in one of these formats: %(formats)s.",
            code="image_invalid",
            params={"formats": ", ".join(FORMATS)},
        ) from error
    finally:
        file.seek(0)
    return found


def _pixels_check(pixels: int) -> None:
    limit = image_setting("MAX_PIXELS")
    if pixels > limit:
        raise ValidationError(
            "The image has %(pixels)s pixels; the limit is %(limit)s.",
            code="image_too_many_pixels",
            params={"pixels": f"{pixels:,}", "limit": f"{limit:,}"},
        )


def image_name(check: ImageCheck) -> str:
    """Return a fresh file name for a checked image: a UUID and its format's extension."""
    return f"{uuid.uuid4().hex}.{check.extension}"


@dataclass(frozen=True)
class PreparedImage:
    """An upload ready to store: its bytes (upright, metadata dropped) and what they are."""

    content: bytes
    check: ImageCheck
    sha256: str


# EXIF tag 0x0112: how the camera was held; 1 is upright.
_ORIENTATION = 0x0112


def image_prepare(file: IO[bytes]) -> PreparedImage:
    """Check ``file`` and return its bytes to store, upright and without metadata.

    ``sha256`` is the hash of the bytes as uploaded, so the same file uploaded twice is
    found (and stored once). A file without metadata keeps its bytes; one with EXIF, XMP or
    PNG text is written again: JPEG with its own quantisation tables (``quality="keep"``) when
    no turn is needed, so the picture loses nothing visible. GIF is kept as it is (no EXIF, and
    rewriting would flatten an animation).
    """
    check = image_check(file)
    file.seek(0)
    original = file.read()
    file.seek(0)
    digest = hashlib.sha256(original).hexdigest()
    if check.format == "GIF":
        return PreparedImage(original, check, digest)
    with Image.open(io.BytesIO(original), formats=[check.format]) as image:
        exif = image.getexif()
        orientation = exif.get(_ORIENTATION, 1)
        has_metadata = bool(exif) or any(
            key in image.info for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment")
        )
        if check.format == "PNG":
            has_metadata = has_metadata or bool(getattr(image, "text", None))
        if not has_metadata and orientation == 1:
            return PreparedImage(original, check, digest)
        options: dict = {"icc_profile": image.info.get("icc_profile")}
        if check.format == "JPEG" and orientation == 1:
            options["quality"] = "keep"
            cleaned = image
        else:
            image.load()
            cleaned = ImageOps.exif_transpose(image) or image
            if check.format == "JPEG" or check.format in ("WEBP", "AVIF"):
                options["quality"] = 90
        buffer = io.BytesIO()
        cleaned.save(buffer, format=check.format, **{k: v for k, v in options.items() if v})
    content = buffer.getvalue()
    with Image.open(io.BytesIO(content)) as upright:
        check = ImageCheck(check.format, upright.width, upright.height)
    return PreparedImage(content, check, digest)
