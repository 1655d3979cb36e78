"""Rendered listings kept in the cache until the content changes.

A key holds the content version, so any write makes it stale; an entry also
expires when the next scheduled article goes public, so a scheduled story
appears on time even on a cached page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

from dastan.content.selectors import next_scheduled_at
from dastan.content.versioning import content_version

# An upper bound, so pages also pick up what no signal reports (a raw SQL edit).
FRAGMENT_TIMEOUT = 300


def cached_fragment(name: str, render: Callable[[], str]) -> str:
    """Return the HTML that ``render`` makes for ``name``, from the cache when still valid."""
    key = f"web:fragment:{content_version()}:{name}"
    now = timezone.now().timestamp()
    hit = cache.get(key)
    if hit is not None and hit[1] > now:
        return hit[0]
    html = render()
    valid_until = now + FRAGMENT_TIMEOUT
    upcoming = next_scheduled_at()
    if upcoming is not None:
        valid_until = min(valid_until, upcoming.timestamp())
    cache.set(key, (html, valid_until), FRAGMENT_TIMEOUT)
    return html
