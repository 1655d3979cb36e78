"""Reads of the media library for pages: the galleries and images an article's body names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dastan.media.models import GalleryImage, Image
from dastan.media.pictures import picture
from dastan.rendering import (
    GalleryItem,
    GalleryResolver,
    LibraryPicture,
    LibraryResolver,
    library_ids,
)

_NAMED = re.compile(r"""\[gallery\b[^\]]*?\bname\s*=\s*["']?([A-Za-z0-9_-]{1,100})""", re.I)


def body_galleries(body: str) -> GalleryResolver | None:
    """Return what ``render_body`` needs to fill ``[gallery name="..."]``, or None for none.

    Every gallery the body names is read in one query, the first time one is drawn.
    """
    names = set(_NAMED.findall(body or ""))
    if not names:
        return None
    loaded: dict[str, list[GalleryItem]] | None = None

    def resolve(name: str) -> Sequence[GalleryItem]:
        nonlocal loaded
        if loaded is None:
            loaded = _galleries(names)
        return loaded.get(name, [])

    return resolve


def _galleries(names: set[str]) -> dict[str, list[GalleryItem]]:
    rows = (
        GalleryImage.objects.filter(gallery__slug__in=sorted(names))
        .select_related("gallery", "image")
        .order_by("gallery_id", "position", "id")
    )
    found: dict[str, list[GalleryItem]] = {}
    for row in rows:
        shown = picture(row.image, "gallery")
        found.setdefault(row.gallery.slug, []).append(
            GalleryItem(
                src=shown.src,
                alt=shown.alt,
                caption=row.caption or row.image.caption,
                srcset=shown.srcset,
                sizes=shown.sizes,
                width=shown.width,
                height=shown.height,
            )
        )
    return found


def body_images(body: str) -> LibraryResolver | None:
    """Return what ``render_body`` needs to draw the body's library images, or None for none.

    All of them are read in one query; an id with no image (deleted) is simply not found.
    """
    if not library_ids(body or ""):
        return None

    def resolve(ids: Sequence[int]) -> dict[int, LibraryPicture]:
        found = {}
        for image in Image.objects.filter(pk__in=list(ids)):
            shown = picture(image, "body")
            found[image.pk] = LibraryPicture(
                src=shown.src,
                srcset=shown.srcset,
                sizes=shown.sizes,
                width=shown.width,
                height=shown.height,
                alt=shown.alt,
                sources=tuple((source.type, source.srcset) for source in shown.sources),
            )
        return found

    return resolve
