"""Uploaded images: decoded before they are stored, and stored under a name of their own.

A file is an image only if Pillow decodes it whole as one of ``FORMATS``. Whatever the client
called it, it is stored as ``<uuid>.<extension of the decoded format>``, so an upload can never
be served as HTML or SVG (active content) from ``/media/``.
"""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from PIL import Image, features

from dastan.content.conf import image_setting

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


def validate_image(value) -> None:
    """Model validator: a newly uploaded file must be a fit image (stored files are not re-read)."""
    if value and not getattr(value, "_committed", True):
        image_check(value.file)


class VerifiedImageField(models.FileField):
    """A FileField that stores only decoded images, each under a generated name.

    It checks in ``full_clean`` (the admin's form) and again on save, so a file assigned in
    code (an importer, a shell) is held to the same rule.
    """

    default_validators = [validate_image]

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            file.name = image_name(image_check(file.file))
        return super().pre_save(model_instance, add)

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        # A hint for the browser's file picker; the check above is what counts.
        field.widget.attrs["accept"] = ",".join(f"image/{name.lower()}" for name in FORMATS)
        return field

    def deconstruct(self):
        # Validation and naming are code, not schema: migrations see a plain FileField.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs
