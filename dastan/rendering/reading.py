"""Reading time, the "4 min read" shown next to a headline."""

from __future__ import annotations

import math

from dastan.rendering.excerpts import plain_text

__all__ = ["reading_time"]


def reading_time(html: str, *, words_per_minute: int = 200) -> int:
    """Return the minutes needed to read the body's text, at least 1."""
    words = len(plain_text(html).split())
    return max(1, math.ceil(words / words_per_minute))
