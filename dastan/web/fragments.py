"""Rendered listings kept in the cache until the content changes.

A key names the edition and holds its content version (shared and the
edition's), so a write to one edition's article makes only that edition's
pages stale; an entry also expires when the next scheduled article goes
public, so a scheduled story appears on time even on a cached page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone

from dastan.content.selectors import next_scheduled_at
from dastan.content.versioning import content_version
from dastan.editions.addresses import edition_current

T = TypeVar("T")

# An upper bound, so pages also pick up what no signal reports (a raw SQL edit).
FRAGMENT_TIMEOUT = 300


def cached_fragment(name: str, render: Callable[[], T], *, edition: str | None = None) -> T:
    """Return what ``render`` makes for ``name`` in ``edition`` (the active one by default).

    The cached value is used while the content version and its expiry hold;
    ``None`` (nothing to show) is never cached.
    """
    edition = edition or edition_current()
    key = f"web:fragment:{edition}:{content_version(edition)}:{name}"
    now = timezone.now().timestamp()
    hit = cache.get(key)
    if hit is not None and hit[1] > now:
        return hit[0]
    value = render()
    if value is None:
        return value
    valid_until = now + FRAGMENT_TIMEOUT
    upcoming = next_scheduled_at()
    if upcoming is not None:
        valid_until = min(valid_until, upcoming.timestamp())
    cache.set(key, (value, valid_until), FRAGMENT_TIMEOUT)
    return value
