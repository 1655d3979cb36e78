"""The media library's settings (``DASTAN_IMAGES``), read at call time."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Bytes in an uploaded image: a camera's JPEG is 3-8 MB.
    "MAX_BYTES": 10 * 1024 * 1024,
    # Pixels over all frames (40 MP: a 7,700 x 5,200 photo); refused before decoding, so a
    # small file that inflates to gigabytes (a decompression bomb) is never decoded.
    "MAX_PIXELS": 40_000_000,
    # Rendition widths offered in srcset; a request for any other width is a 404, so a
    # crawler cannot make the server render (and store) endless sizes.
    "WIDTHS": (320, 480, 640, 960, 1280, 1600),
    # Encoder quality per format; AVIF and WebP reach JPEG's look at a lower number.
    "QUALITY": {"jpg": 80, "webp": 75, "avif": 55},
    # Formats offered through <picture>, best first; the original's format is the fallback.
    "MODERN_FORMATS": ("avif", "webp"),
    # A publish of at most this many articles renders their renditions after the commit;
    # a bulk load leaves them to the first request.
    "PREGENERATE_MAX_ARTICLES": 20,
}


def image_setting(name: str) -> Any:
    """Return ``DASTAN_IMAGES[name]`` or its default."""
    return getattr(settings, "DASTAN_IMAGES", {}).get(name, DEFAULTS[name])
