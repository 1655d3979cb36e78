"""Sitemap settings (``DASTAN_SITEMAPS``) with their defaults, read at call time."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # The protocol's limits per file: 50,000 URLs and 50 MB (52,428,800 bytes) uncompressed.
    # See https://www.sitemaps.org/protocol.html#index. A test lowers URL_LIMIT to see a split.
    "URL_LIMIT": 50_000,
    "MAX_BYTES": 52_428_800,
    # Rows read from the database per round trip while an article sitemap streams.
    "CHUNK_SIZE": 2_000,
}


def sitemap_setting(name: str) -> Any:
    """Return ``DASTAN_SITEMAPS[name]`` or its default."""
    return getattr(settings, "DASTAN_SITEMAPS", {}).get(name, DEFAULTS[name])
