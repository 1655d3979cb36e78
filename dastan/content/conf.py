"""Site settings with their defaults, read at call time (never at import time)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

DEFAULTS: dict[str, Any] = {
    "NAME": "Dastan",
    # Marked for translation: the default tagline is shown in each edition's language.
    "TAGLINE": gettext_noop("News from Central Asia"),
    "BASE_URL": "http://127.0.0.1:8000",
    "PAGE_SIZE": 6,
    "EXCERPT_WORDS": 55,
    "EXCERPT_CHARS": 500,
    # The range a publication date may take on the way in (imports, admin):
    # from this year, to this many years ahead (scheduled articles: the WP Test
    # sample export schedules a post for 2050).
    "EARLIEST_YEAR": 1900,
    "YEARS_AHEAD": 50,
}


def site_setting(name: str) -> Any:
    """Return ``DASTAN_SITE[name]`` or its default."""
    return getattr(settings, "DASTAN_SITE", {}).get(name, DEFAULTS[name])
