"""Rendered fragments kept in the cache until what they show changes, rebuilt once.

An entry records the keys its render depended on (``content.versioning``) and
their versions: it is fresh while none has moved and its timeout holds, so a
publish makes only the pages showing that article stale. The timeout also ends
when the next scheduled article goes public, so a scheduled story appears on
time on a cached page without any job.

A stale entry is rebuilt by one request at a time (a lock in the cache, so
across every worker and server); the others serve the stale value meanwhile,
or, when there is none, wait briefly for the rebuild.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import cache
from django.utils import timezone

from dastan.content.selectors import next_scheduled_at
from dastan.content.versioning import page_keys_base, version_is_bump, versions_get
from dastan.editions.addresses import edition_current
from dastan.web.conf import http_cache_setting
from dastan.web.surrogates import (
    page_keys_add,
    page_keys_collect,
    page_tags_add,
    page_valid_until,
)

T = TypeVar("T")

# How often a request without a value looks for the one another request is building.
_WAIT_STEP = 0.02


@dataclass(frozen=True)
class Entry(Generic[T]):
    value: T
    valid_until: float
    depends: tuple[str, ...]
    versions: tuple[int, ...]
    tags: tuple[str, ...]

    def fresh(self, now: float) -> bool:
        return self.valid_until > now and versions_get(self.depends) == self.versions

    def collect(self) -> None:
        """Put this entry's keys and expiry on the page being answered, as its render did."""
        page_keys_add(self.depends)
        page_tags_add(self.tags)
        page_valid_until(self.valid_until)


def cached_fragment(
    name: str,
    render: Callable[[], T],
    *,
    edition: str | None = None,
    keys: Iterable[str] = (),
) -> T:
    """Return what ``render`` makes for ``name`` in ``edition`` (the active one by default).

    The fragment depends on ``keys``, on what ``render`` adds to the page's
    keys, and on the site's and edition's own. ``None`` (nothing to show) is
    never cached.
    """
    edition = edition or edition_current()
    key = f"web:fragment:{edition}:{name}"
    base = (*page_keys_base(edition), *keys)
    now = timezone.now().timestamp()
    entry: Entry | None = cache.get(key)
    if entry is not None and entry.fresh(now):
        entry.collect()
        return entry.value
    lock = f"{key}:lock"
    if not cache.add(lock, 1, http_cache_setting("LOCK_TIMEOUT")):
        if entry is not None:
            # Someone is rebuilding it: this request serves what was there, and its
            # page's ETag is not to be confirmed later from the new versions.
            entry.collect()
            page_valid_until(0)
            return entry.value
        built = _wait_for(key, lock)
        if built is not None:
            built.collect()
            return built.value
        # The other rebuild is slow, failed or found nothing: render without storing.
        return _render(key, render, base, store=False)
    try:
        # Another request may have stored it between the read above and taking the lock.
        stored: Entry | None = cache.get(key)
        if stored is not None and stored.fresh(now):
            stored.collect()
            return stored.value
        return _render(key, render, base, store=True)
    finally:
        cache.delete(lock)


def _render(key: str, render: Callable[[], T], base: tuple[str, ...], *, store: bool) -> T:
    started = time.time_ns()
    # Versions read before the render: a write during it leaves the entry stale.
    before = dict(zip(base, versions_get(base), strict=True))
    with page_keys_collect() as collected:
        page_keys_add(base)
        value = render()
    if value is None and store:
        # Nothing to show any more (an unpublished article): no request may serve the old
        # value as stale while another one holds the lock.
        cache.delete(key)
    if not store:
        # Not cached: nothing says how long the page holds.
        page_valid_until(0)
    if value is None or not store:
        return value
    depends = tuple(sorted(collected.depends))
    late = [k for k in depends if k not in before]
    # A key the render found (the article it read): a version set after the render began
    # may be a write it missed, so the entry is recorded stale (-1) and rebuilt next time.
    for k, version in zip(late, versions_get(late), strict=True):
        before[k] = -1 if version >= started and version_is_bump(version) else version
    versions = tuple(before[k] for k in depends)
    timeout = http_cache_setting("FRAGMENT_TIMEOUT")
    now = timezone.now().timestamp()
    valid_until = now + timeout
    upcoming = next_scheduled_at()
    if upcoming is not None:
        valid_until = min(valid_until, upcoming.timestamp())
    entry = Entry(
        value=value,
        valid_until=valid_until,
        depends=depends,
        versions=versions,
        tags=tuple(sorted(collected.tags)),
    )
    cache.set(key, entry, timeout + http_cache_setting("STALE_TIMEOUT"))
    page_valid_until(valid_until)
    return value


def _wait_for(key: str, lock: str) -> Entry | None:
    """Return the entry another request is building, if it lands within ``LOCK_WAIT``.

    None as soon as the lock is gone without an entry: that render found nothing
    to show (a 404), and waiting longer would only hold this worker.
    """
    deadline = time.monotonic() + http_cache_setting("LOCK_WAIT")
    while time.monotonic() < deadline:
        time.sleep(_WAIT_STEP)
        found = cache.get_many([key, lock])
        if key in found:
            return found[key]
        if lock not in found:
            # The two were not read at once (a file cache reads one after the other): the
            # render may have stored its entry, then let go of the lock, between the reads.
            return cache.get(key)
    return None
