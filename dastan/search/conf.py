"""Search settings with their defaults, read at call time (never at import time)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Dotted path of the backend module; empty picks one from the database vendor.
    "BACKEND": "",
    # Results a reader can page through; a deeper page asks to refine the query.
    "MAX_RESULTS": 1000,
    # Newest matches scored for relevance (plus half as many title matches).
    "RANK_WINDOW": 120,
    # Newest matches whose sections are counted exactly; beyond, counts are scaled.
    "FACET_WINDOW": 500,
    # Matches counted exactly (as many as a reader can page through); beyond, "about N".
    "EXACT_COUNT": 1000,
    # Relevance multiplier for a story published now; it halves every RECENCY_DAYS.
    "RECENCY_BOOST": 0.25,
    "RECENCY_DAYS": 90,
    # Index articles as they change (switch off only for a bulk load followed by rebuild).
    "AUTO_INDEX": True,
}


def search_setting(name: str) -> Any:
    """Return ``DASTAN_SEARCH[name]`` or its default."""
    return getattr(settings, "DASTAN_SEARCH", {}).get(name, DEFAULTS[name])
