"""Media-library images in a body: ``<img class="wp-library-image-N">`` drawn as ``<picture>``.

The desk's editor stores a library image as WordPress's image block, its ``<img>`` marked with
the library id (``wp-library-image-42``; WordPress's own ``wp-image-N`` names an imported
attachment, a different number) and its ``src`` a rendition address, so the stored body is
plain allowlisted HTML that reads well in a feed or the editor. On the reader page the
``<img>`` becomes the library's ``<picture>`` (AVIF/WebP sources, srcset, width and height,
lazy): a re-cropped or better-described image shows as it is now. An id the resolver does not
know (a deleted image) keeps the stored ``<img>``, whose rendition address then answers with
the neutral placeholder (``media.views.rendition``), never a broken picture.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dastan.rendering.markup import attrs, safe_url, text

__all__ = ["LibraryPicture", "LibraryResolver", "library_ids", "library_pictures"]

# Library ids are database keys; more digits than a signed 64-bit key can hold name nothing.
_MAX_ID = 2**63 - 1
_MARK = re.compile(r"\bwp-library-image-([0-9]{1,19})\b")
# A sanitised <img>: nh3 writes every attribute value in double quotes, with '"' escaped.
_IMG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>', re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')


@dataclass(frozen=True)
class LibraryPicture:
    """What a page needs to draw one library image (``media.pictures.Picture``'s fields)."""

    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    alt: str
    # (MIME type, srcset) of each modern format, best first.
    sources: tuple[tuple[str, str], ...] = ()


LibraryResolver = Callable[[Sequence[int]], Mapping[int, LibraryPicture]]
"""Map library image ids to their pictures, in one query for the whole body."""


def library_ids(html: str) -> list[int]:
    """Return the library image ids a body's ``<img>`` tags name, in order, once each."""
    found = (int(digits) for digits in _MARK.findall(html or ""))
    return list(dict.fromkeys(number for number in found if 0 < number <= _MAX_ID))


def library_pictures(html: str, resolve: LibraryResolver) -> str:
    """Return ``html`` with every library ``<img>`` the resolver knows drawn as ``<picture>``.

    ``html`` must be sanitised already (its tags are read with a pattern). The stored alt text
    (the story's, copied from the library when inserted) wins; the library's fills an empty
    one. Unknown ids keep their stored ``<img>``.
    """
    ids = library_ids(html)
    if not ids:
        return html
    found = resolve(ids)

    def draw(match: re.Match) -> str:
        tag = match.group(0)
        stored = {name.lower(): text(value) for name, value in _ATTRIBUTE.findall(tag)}
        mark = _MARK.search(stored.get("class", ""))
        picture = found.get(int(mark.group(1))) if mark else None
        if picture is None or not safe_url(picture.src):
            return tag
        sources = "".join(
            f"<source{attrs(type=kind, srcset=srcset, sizes=picture.sizes)}>"
            for kind, srcset in picture.sources
        )
        image = attrs(
            class_=stored.get("class"),
            src=safe_url(picture.src),
            srcset=picture.srcset,
            sizes=picture.sizes,
            width=picture.width or None,
            height=picture.height or None,
            alt=stored.get("alt") or picture.alt,
            loading="lazy",
            decoding="async",
        )
        # alt="" must stay: attrs() skips empty values, and a picture without alt is read out.
        if 'alt="' not in image:
            image += ' alt=""'
        return f"<picture>{sources}<img{image}></picture>"

    return _IMG.sub(draw, html)
