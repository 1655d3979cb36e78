"""Redirect settings with their defaults, read at call time (never at import time)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # How many posts the old WordPress site listed per page (Settings > Reading;
    # 10 is WordPress's default), so /page/N/ lands on the Dastan page that
    # starts with the same article.
    "LEGACY_PAGE_SIZE": 10,
}


def redirects_setting(name: str) -> Any:
    """Return ``DASTAN_REDIRECTS[name]`` or its default."""
    return getattr(settings, "DASTAN_REDIRECTS", {}).get(name, DEFAULTS[name])
