"""Feed settings with their defaults, read at call time (never at import time)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Items per feed: a day of a busy newsroom; readers poll often and keep what they fetched.
    "ITEMS": 20,
    # "full": the article's body in every item; "excerpt": only its card text.
    "CONTENT": "full",
    # The authority of items' tag URIs (RFC 4151); None takes the host of DASTAN_SITE["BASE_URL"].
    # Set it before moving the site to a new domain, so readers do not see every item again.
    "ID_AUTHORITY": None,
}


def feeds_setting(name: str) -> Any:
    """Return ``DASTAN_FEEDS[name]`` or its default."""
    return getattr(settings, "DASTAN_FEEDS", {}).get(name, DEFAULTS[name])
