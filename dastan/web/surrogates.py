"""The keys a page is made of, collected while it renders.

Views and cached fragments add keys (``content.versioning``'s names: the
article, the listing's section, its edition's home...) to the collector of the
request being answered; ``httpcache`` sends them as ``Surrogate-Key`` and
``Cache-Tag`` so a CDN can drop exactly the pages a publish changed.

A key is either a dependency (a cached fragment is stale when its version
moves) or a tag only (a card's article: any change to it already bumps the
listing it is on, so checking it again on every hit would cost a cache read).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils import timezone

from dastan.content.versioning import version_is_bump, versions_get


@dataclass
class PageKeys:
    depends: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    # When the first fragment on the page stops being fresh whatever is written (the next
    # scheduled article); None when no cached fragment made the page.
    valid_until: float | None = None

    def update(self, other: PageKeys) -> None:
        self.depends |= other.depends
        self.tags |= other.tags
        if other.valid_until is not None:
            self.expire_by(other.valid_until)

    def expire_by(self, moment: float) -> None:
        self.valid_until = moment if self.valid_until is None else min(self.valid_until, moment)

    def all(self) -> list[str]:
        return sorted(self.depends | self.tags)

    def validity(self, started: int, timeout: float) -> PageValidity | None:
        """Return what a page made of these keys depends on, to keep it; None if it cannot be.

        Only a page made from cached fragments knows when it stops holding by itself.
        ``started`` is when its render began (``time.time_ns()``): a version bumped since
        may be a write the render missed. It holds at most ``timeout`` seconds from now.
        """
        if self.valid_until is None:
            return None
        depends = tuple(sorted(self.depends))
        versions = versions_get(depends)
        if any(version_is_bump(v) and v >= started for v in versions):
            return None
        now = timezone.now().timestamp()
        valid_until = min(self.valid_until, now + timeout)
        if valid_until <= now:
            return None
        return PageValidity(depends, versions, valid_until)


@dataclass(frozen=True)
class PageValidity:
    """The keys a rendered page depends on, their versions then, and when it expires anyway."""

    depends: tuple[str, ...]
    versions: tuple[int, ...]
    valid_until: float


_current: ContextVar[PageKeys | None] = ContextVar("dastan_page_keys", default=None)


def page_keys_add(keys: Iterable[str], *, depends: bool = True) -> None:
    """Add ``keys`` to the page being rendered (nothing happens outside a request)."""
    collector = _current.get()
    if collector is None:
        return
    (collector.depends if depends else collector.tags).update(keys)


def page_tags_add(keys: Iterable[str]) -> None:
    """Add keys that name the page for a purge but need no version check."""
    page_keys_add(keys, depends=False)


def page_valid_until(moment: float) -> None:
    """Record that the page being rendered holds only until ``moment`` (a timestamp)."""
    collector = _current.get()
    if collector is not None:
        collector.expire_by(moment)


def page_expires_by(moment: float) -> None:
    """Like ``page_valid_until``, for a page made of cached fragments only.

    A page that no cached fragment made is never kept for a 304 without rendering,
    and a part that knows its own expiry (the breaking-news banner) must not make it so.
    """
    collector = _current.get()
    if collector is not None and collector.valid_until is not None:
        collector.expire_by(moment)


@contextlib.contextmanager
def page_keys_collect() -> Iterator[PageKeys]:
    """Collect the keys added inside the block; they also reach the enclosing collector."""
    outer = _current.get()
    collector = PageKeys()
    token = _current.set(collector)
    try:
        yield collector
    finally:
        _current.reset(token)
        if outer is not None:
            outer.update(collector)
