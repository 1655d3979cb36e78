"""Renditions: an image resized (and cropped around its focal point) for one place on a page.

A rendition is named by its source's hash and its spec, ``r/<sha256>/<shape>-<width>.<ext>``,
so a new file is a new name and a cached copy is never stale: pages may tell browsers and CDNs
to keep renditions for a year. They are made on the first request (``views.rendition``) and
kept in the default storage; a publish makes the ones its pages show beforehand
(``renditions_pregenerate``). A source that is missing or does not decode gives a neutral
placeholder of the same shape, never an error or a broken image.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageOps

from dastan.media.conf import image_setting
from dastan.media.models import Image

logger = logging.getLogger(__name__)

# Shape name -> aspect ratio (width, height), or None to keep the source's.
# card: listing cards (16:9); social: OpenGraph and Twitter's 1200x630 (1.91:1);
# 4x3 and 1x1: the other two ratios Google asks for in JSON-LD ``image``.
SHAPES: dict[str, tuple[int, int] | None] = {
    "full": None,
    "card": (16, 9),
    "social": (40, 21),
    "4x3": (4, 3),
    "1x1": (1, 1),
}
# Widths made besides ``DASTAN_IMAGES["WIDTHS"]``: 1200 is what Google Discover and the
# social previews ask for.
EXTRA_WIDTHS = (1200,)
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "avif": "image/avif",
}
_PIL_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF"}
_SPEC = re.compile(r"(?P<shape>[a-z0-9]+)-(?P<width>[0-9]{2,4})\.(?P<ext>[a-z]+)")
# The placeholder's colour: the site's paper tone, so a missing picture reads as a quiet block.
PLACEHOLDER_RGB = (233, 229, 220)


@dataclass(frozen=True)
class Spec:
    shape: str
    width: int
    ext: str

    @property
    def name(self) -> str:
        return f"{self.shape}-{self.width}.{self.ext}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]


def widths_allowed() -> tuple[int, ...]:
    return tuple(sorted({*image_setting("WIDTHS"), *EXTRA_WIDTHS}))


def spec_parse(text: str) -> Spec | None:
    """Return the spec a rendition's file name asks for, or None when it is not one we make."""
    match = _SPEC.fullmatch(text)
    if not match:
        return None
    spec = Spec(match["shape"], int(match["width"]), match["ext"])
    if spec.shape not in SHAPES or spec.ext not in CONTENT_TYPES:
        return None
    if spec.width not in widths_allowed():
        return None
    return spec


def fallback_ext(image: Image) -> str:
    """Return the format a browser without WebP or AVIF gets: PNG keeps transparency."""
    return "png" if image.format in ("png", "gif") else "jpg"


def rendition_name(sha256: str, spec: Spec) -> str:
    return f"r/{sha256}/{spec.name}"


def rendition_url(image: Image, spec: Spec) -> str:
    return default_storage.url(rendition_name(image.sha256, spec))


def crop_box(
    width: int, height: int, ratio: tuple[int, int] | None, focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """Return the largest box of ``ratio`` inside ``width`` x ``height``, centred on ``focal``.

    The box slides to stay inside the picture, so a subject at the edge stays in the crop.
    """
    if ratio is None or width <= 0 or height <= 0:
        return (0, 0, width, height)
    wanted = ratio[0] / ratio[1]
    if width / height > wanted:
        box_w, box_h = max(1, round(height * wanted)), height
    else:
        box_w, box_h = width, max(1, round(width / wanted))
    fx = min(max(focal[0], 0.0), 1.0)
    fy = min(max(focal[1], 0.0), 1.0)
    left = min(max(round(fx * width - box_w / 2), 0), width - box_w)
    top = min(max(round(fy * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def output_size(
    width: int, height: int, ratio: tuple[int, int] | None, target: int
) -> tuple[int, int]:
    """Return the rendition's pixel size: ``target`` wide (never wider than its source crop)."""
    box = crop_box(width, height, ratio, (0.5, 0.5))
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    out_w = min(target, box_w) or target
    if ratio is not None:
        return out_w, max(1, round(out_w * ratio[1] / ratio[0]))
    return out_w, max(1, round(out_w * box_h / box_w)) if box_w else out_w


def rendition_render(source: bytes, spec: Spec, *, focal: tuple[float, float]) -> bytes:
    """Return the encoded rendition of the image in ``source``; raise OSError if it is broken."""
    ratio = SHAPES[spec.shape]
    with PILImage.open(io.BytesIO(source)) as opened:
        # JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still big enough: a 12-MP photo
        # made into a 640-px card decodes an eighth of its pixels.
        opened.draft("RGB", (spec.width, spec.width))
        picture = ImageOps.exif_transpose(opened) or opened
        picture.load()
        box = crop_box(picture.width, picture.height, ratio, focal)
        size = output_size(picture.width, picture.height, ratio, spec.width)
        if picture.mode not in ("RGB", "RGBA", "L", "LA"):
            picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
        resized = picture.resize(size, PILImage.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    return _encode(resized, spec.ext)


def _encode(picture: PILImage.Image, ext: str) -> bytes:
    if ext == "jpg" and picture.mode != "RGB":
        flat = PILImage.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture.convert("RGBA"), mask=picture.convert("RGBA").getchannel("A"))
        picture = flat
    options: dict = {}
    quality = image_setting("QUALITY")
    if ext in quality:
        options["quality"] = quality[ext]
    if ext == "jpg":
        options.update(optimize=True, progressive=True)
    elif ext == "avif":
        # libavif's default speed (6) takes five times as long for the same bytes here.
        options["speed"] = 8
    elif ext == "webp":
        options["method"] = 4
    buffer = io.BytesIO()
    picture.save(buffer, format=_PIL_FORMATS[ext], **options)
    return buffer.getvalue()


def placeholder_render(spec: Spec) -> bytes:
    """Return a plain block of the spec's shape: what a missing or broken source shows."""
    ratio = SHAPES[spec.shape] or (3, 2)
    width = min(spec.width, 320)
    picture = PILImage.new("RGB", (width, round(width * ratio[1] / ratio[0])), PLACEHOLDER_RGB)
    return _encode(picture, spec.ext)


def rendition_ensure(image: Image, spec: Spec) -> str | None:
    """Make the rendition if it is not stored yet; return its storage name, None if no source."""
    name = rendition_name(image.sha256, spec)
    if default_storage.exists(name):
        return name
    try:
        with image.file.open("rb") as handle:
            source = handle.read()
        content = rendition_render(source, spec, focal=(image.focal_x, image.focal_y))
    except (OSError, ValueError, SyntaxError, EOFError, PILImage.DecompressionBombError):
        logger.warning("image %s (%s) has no readable source", image.pk, image.file.name)
        return None
    if not default_storage.exists(name):
        # Another request may have made it meanwhile: both wrote the same bytes.
        default_storage.save(name, ContentFile(content))
    return name


def specs_for_pages(image: Image) -> list[Spec]:
    """Return the renditions the reader pages show of ``image`` (cards, lead, head tags)."""
    from dastan.media import pictures

    return pictures.specs_used(image)


def renditions_pregenerate(images: Iterable[Image]) -> int:
    """Make every rendition the pages use of ``images``; return how many were made."""
    made = 0
    for image in images:
        for spec in specs_for_pages(image):
            if rendition_ensure(image, spec) is None:
                break
            made += 1
    return made
