"""Back-office settings with their defaults, read at call time (never at import time)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Auth groups whose members must confirm a second factor before using the back office.
    "REQUIRE_2FA_FOR": ["Editor"],
    # Seconds an open change form counts as "being edited" after its last sign of life.
    "EDITING_WINDOW": 300,
    # Seconds between an open change form's heartbeats (well under EDITING_WINDOW).
    "EDITING_HEARTBEAT": 60,
    # Seconds between autosaves of an open article form's working copy (only when it changed).
    "AUTOSAVE_SECONDS": 5,
    # The lengths the change form counts the title and standfirst against, live: about what
    # search results show of a title and of a description before cutting it.
    "SEO_TITLE_CHARS": 60,
    "SEO_DESCRIPTION_CHARS": 160,
}


def newsroom_setting(name: str) -> Any:
    """Return ``DASTAN_NEWSROOM[name]`` or its default."""
    return getattr(settings, "DASTAN_NEWSROOM", {}).get(name, DEFAULTS[name])
