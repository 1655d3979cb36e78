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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageOps

from dastan.media.addresses import site_media_url
from dastan.media.conf import image_setting
from dastan.media.models import Image

logger = logging.getLogger(__name__)

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # no `s3` extra: the local disk only raises OSError
    STORAGE_ERRORS: tuple[type[Exception], ...] = ()
else:
    # A bucket that cannot be reached or refuses (credentials, outage): a placeholder, not a 500.
    STORAGE_ERRORS = (BotoCoreError, ClientError)

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
    """Return the rendition's address on the site, whatever the storage (``media.addresses``).

    ``media.views.rendition`` answers it from any storage, making it first if need be; on the
    local disk the file handler or nginx serve it directly once it is made.
    """
    return site_media_url(rendition_name(image.sha256, spec))


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
    return renditions_render(source, [spec], focal=focal)[spec]


def renditions_render(
    source: bytes, specs: Iterable[Spec], *, focal: tuple[float, float]
) -> dict[Spec, bytes]:
    """Return the encoded renditions ``specs`` of the image in ``source``; OSError if broken.

    The work is shared: the source is decoded once per JPEG scale the sizes need (1/8, 1/4,
    1/2 or whole), and cropped and resized once per shape and width, whatever the formats.
    """
    decoded: dict[tuple[int, int], PILImage.Image] = {}
    made: dict[Spec, bytes] = {}
    by_size: dict[tuple[str, int], list[Spec]] = {}
    for spec in specs:
        by_size.setdefault((spec.shape, spec.width), []).append(spec)
    for (shape, width), group in by_size.items():
        resized = _resized(source, shape, width, focal, decoded)
        for spec in group:
            made[spec] = _encode(resized, spec.ext)
    return made


def _resized(
    source: bytes,
    shape: str,
    width: int,
    focal: tuple[float, float],
    decoded: dict[tuple[int, int], PILImage.Image],
) -> PILImage.Image:
    """Return the source cropped to ``shape`` around ``focal`` and resized to ``width``.

    ``decoded`` keeps the pictures decoded so far, by the decode size asked for.
    """
    ratio = SHAPES[shape]
    with PILImage.open(io.BytesIO(source)) as opened:
        upright = _upright_size(opened)
        box = crop_box(*upright, ratio, focal)
        out = output_size(*upright, ratio, width)
        if opened.format == "JPEG":
            request = _decode_size(upright, box, out)
            if _orientation(opened) in _TURNED:
                request = (request[1], request[0])
        else:
            request = opened.size  # only JPEG decodes at a smaller scale: one decode for all
        picture = decoded.get(request)
        if picture is None:
            # JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers the crop at the
            # size asked for: a 12-MP photo made into a 640-px card decodes 1/16 of its pixels.
            opened.draft("RGB", request)
            picture = ImageOps.exif_transpose(opened) or opened
            picture.load()
            if picture.mode not in ("RGB", "RGBA", "L", "LA"):
                picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
            decoded[request] = picture
    scale_x, scale_y = picture.width / upright[0], picture.height / upright[1]
    scaled = (box[0] * scale_x, box[1] * scale_y, box[2] * scale_x, box[3] * scale_y)
    return picture.resize(out, PILImage.Resampling.LANCZOS, box=scaled, reducing_gap=3.0)


# EXIF orientations that turn the picture a quarter: its stored width is its shown height.
_TURNED = {5, 6, 7, 8}


def _orientation(opened: PILImage.Image) -> int:
    try:
        return int(opened.getexif().get(0x0112, 1))
    except (TypeError, ValueError):
        return 1


def _upright_size(opened: PILImage.Image) -> tuple[int, int]:
    width, height = opened.size
    return (height, width) if _orientation(opened) in _TURNED else (width, height)


def _decode_size(
    size: tuple[int, int], box: tuple[int, int, int, int], out: tuple[int, int]
) -> tuple[int, int]:
    """Return the smallest JPEG scale of ``size`` whose ``box`` still holds ``out`` pixels.

    Sizes are whole divisions of the source (what ``draft`` asks for), so the renditions that
    need the same scale share one decode.
    """
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    for divisor in (8, 4, 2):
        if box_w // divisor >= out[0] and box_h // divisor >= out[1]:
            return (size[0] // divisor, size[1] // divisor)
    return size


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


def renditions_make(image: Image, specs: list[Spec]) -> bool:
    """Render ``specs`` of ``image`` from one read of its source and store them.

    Return False, storing nothing, when the source is missing or does not decode.
    """
    try:
        with image.file.open("rb") as handle:
            source = handle.read()
        made = renditions_render(source, specs, focal=(image.focal_x, image.focal_y))
    except (OSError, ValueError, SyntaxError, EOFError, PILImage.DecompressionBombError):
        logger.warning("image %s (%s) has no readable source", image.pk, image.file.name)
        return False
    except STORAGE_ERRORS:
        logger.exception("image %s (%s): the storage failed", image.pk, image.file.name)
        return False
    # A bucket writes over a name (with the same bytes, here); the disk would keep a second
    # copy under another name, so it is asked first: another request may have made it.
    overwrites = getattr(default_storage, "file_overwrite", False)
    try:
        for spec, content in made.items():
            name = rendition_name(image.sha256, spec)
            if overwrites or not default_storage.exists(name):
                default_storage.save(name, ContentFile(content))
    except STORAGE_ERRORS:
        logger.exception("image %s: renditions could not be stored", image.pk)
        return False
    return True


def renditions_stored(sha256: str) -> set[str]:
    """Return the file names of the renditions stored for the source ``sha256``."""
    try:
        return set(default_storage.listdir(f"r/{sha256}")[1])
    except (OSError, NotImplementedError):
        return set()


def specs_for_pages(image: Image) -> list[Spec]:
    """Return the renditions the reader pages show of ``image`` (cards, lead, head tags)."""
    from dastan.media import pictures

    return pictures.specs_used(image)


def specs_for_body(image: Image) -> list[Spec]:
    """Return the renditions an article body's ``<picture>`` of ``image`` lists."""
    from dastan.media import pictures

    return pictures.specs_for_role(image, "body")


def renditions_pregenerate(
    images: Iterable[Image], specs: Callable[[Image], list[Spec]] = specs_for_pages
) -> int:
    """Make the renditions ``specs`` names of each of ``images``; return how many were made.

    ``specs`` defaults to what the pages show of a featured image. One listing of what is
    stored and one read of each source, however many sizes are missing (against an object
    store, each of those is a request).
    """
    made = 0
    for image in images:
        stored = renditions_stored(image.sha256)
        missing = [spec for spec in specs(image) if spec.name not in stored]
        if missing and renditions_make(image, missing):
            made += len(missing)
    return made
