"""Reads of the media library for pages: the galleries an article's body names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dastan.media.models import GalleryImage
from dastan.media.pictures import picture
from dastan.rendering import GalleryItem, GalleryResolver

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
