"""What a page needs to show an image: ``<picture>`` sources, ``srcset``, size and alt text.

Each *role* is a place on the reader pages (a card, an article's lead, a gallery) with the shape
it crops to, the widths its ``srcset`` offers and the ``sizes`` that tell the browser how wide it
is drawn (from ``web/static/web/site.css``: cards sit in a grid of columns at least 16 rem wide
inside 72 rem; the article column is 42 rem). Plain data: ``web/markup.py`` writes the HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import features

from dastan.media.conf import image_setting
from dastan.media.models import Image
from dastan.media.renditions import (
    CONTENT_TYPES,
    SHAPES,
    Spec,
    fallback_ext,
    output_size,
    rendition_url,
    widths_allowed,
)


@dataclass(frozen=True)
class Role:
    shape: str
    widths: tuple[int, ...]
    sizes: str
    # The width of the plain ``src`` (browsers that read no srcset, and the width/height attrs).
    default: int


ROLES: dict[str, Role] = {
    "card": Role(
        "card",
        (320, 480, 640, 960),
        "(min-width: 72rem) 22rem, (min-width: 40rem) 45vw, 100vw",
        640,
    ),
    # Listing and search results: a column of cards, the picture beside the text (9 rem).
    "thumb": Role("card", (320, 480, 640), "(min-width: 40rem) 9rem, 100vw", 320),
    "lead-card": Role(
        "card",
        (480, 640, 960, 1280),
        "(min-width: 72rem) 42rem, (min-width: 48rem) 60vw, 100vw",
        960,
    ),
    "lead": Role("full", (480, 640, 960, 1280, 1600), "(min-width: 44rem) 42rem, 100vw", 960),
    # An image in an article's body (chosen in the editor): the column's width, lazy.
    "body": Role("full", (480, 640, 960, 1280), "(min-width: 44rem) 42rem, 100vw", 960),
    "gallery": Role("4x3", (320, 480, 640), "(min-width: 44rem) 14rem, 50vw", 480),
}
# Head tags: the social preview (OpenGraph, Twitter) and JSON-LD's three ratios, 1200 wide.
SOCIAL = ("social", 1200)
STRUCTURED = ("card", "4x3", "1x1")
HEAD_WIDTH = 1200


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    sources: tuple[Source, ...]
    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    alt: str


def modern_formats() -> tuple[str, ...]:
    """The configured formats this Pillow can write (AVIF needs Pillow's wheels >= 11.3)."""
    return tuple(
        ext for ext in image_setting("MODERN_FORMATS") if ext != "avif" or features.check("avif")
    )


def _widths(image: Image, role: Role) -> tuple[int, ...]:
    """The role's widths the source can fill, and at least the smallest (made no wider)."""
    shape = SHAPES[role.shape]
    usable = output_size(image.width, image.height, shape, 100_000)[0]
    allowed = set(widths_allowed())
    widths = tuple(w for w in role.widths if w <= usable and w in allowed)
    return widths or (min(role.widths),)


def _srcset(image: Image, shape: str, widths: tuple[int, ...], ext: str) -> str:
    ratio = SHAPES[shape]
    parts = []
    for width in widths:
        drawn = output_size(image.width, image.height, ratio, width)[0]
        parts.append(f"{rendition_url(image, Spec(shape, width, ext))} {drawn}w")
    return ", ".join(parts)


def picture(image: Image, role: str, *, alt: str | None = None) -> Picture:
    """Return what a template needs to draw ``image`` in ``role``."""
    chosen = ROLES[role]
    widths = _widths(image, chosen)
    default = max((w for w in widths if w <= chosen.default), default=widths[0])
    ratio = SHAPES[chosen.shape]
    width, height = output_size(image.width, image.height, ratio, default)
    fallback = fallback_ext(image)
    sources = tuple(
        Source(CONTENT_TYPES[ext], _srcset(image, chosen.shape, widths, ext))
        for ext in modern_formats()
    )
    return Picture(
        sources=sources,
        src=rendition_url(image, Spec(chosen.shape, default, fallback)),
        srcset=_srcset(image, chosen.shape, widths, fallback),
        sizes=chosen.sizes,
        width=width,
        height=height,
        alt=image.alt_text if alt is None else alt,
    )


@dataclass(frozen=True)
class HeadImage:
    url: str
    width: int
    height: int
    type: str


def head_images(image: Image) -> tuple[HeadImage, list[HeadImage]]:
    """Return the social preview image and the JSON-LD list (16:9, 4:3, 1:1) of ``image``."""
    ext = fallback_ext(image)

    def one(shape: str) -> HeadImage:
        width, height = output_size(image.width, image.height, SHAPES[shape], HEAD_WIDTH)
        spec = Spec(shape, HEAD_WIDTH, ext)
        return HeadImage(rendition_url(image, spec), width, height, CONTENT_TYPES[ext])

    return one(SOCIAL[0]), [one(shape) for shape in STRUCTURED]


def specs_used(image: Image) -> list[Spec]:
    """Return every rendition the pages and head tags show of ``image`` as a featured image.

    Gallery sizes are left to the first request: few featured images are in a gallery. Body
    pictures have their own list (``specs_for_role(image, "body")``); their widths are the lead's.
    """
    specs: list[Spec] = []
    for name in ROLES:
        if name not in ("gallery", "body"):
            specs.extend(specs_for_role(image, name))
    ext = fallback_ext(image)
    specs.append(Spec(SOCIAL[0], HEAD_WIDTH, ext))
    specs.extend(Spec(shape, HEAD_WIDTH, ext) for shape in STRUCTURED)
    return list(dict.fromkeys(specs))


def specs_for_role(image: Image, role: str) -> list[Spec]:
    """Return the renditions a ``<picture>`` of ``image`` in ``role`` lists, every format."""
    shape = ROLES[role]
    exts = (*modern_formats(), fallback_ext(image))
    return [Spec(shape.shape, width, ext) for width in _widths(image, shape) for ext in exts]
