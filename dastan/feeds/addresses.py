"""Feed addresses: a listing's feed in the active edition, and the feed of a reader page."""

from __future__ import annotations

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from dastan.content.slugs import slug_reverse

# Reader pages that have a feed of their own, by view name, and the feed's kind.
PAGE_FEEDS = {
    "web:home": "site",
    "web:section": "section",
    "web:tag": "tag",
    "web:place": "place",
    "web:author": "author",
}


def feed_url(kind: str, slug: str | None = None, *, fmt: str = "rss") -> str:
    """Return the path of a feed in the active edition ('' for a slug with no address)."""
    name = f"feeds:{kind}_{fmt}"
    return slug_reverse(name, slug) if slug is not None else reverse(name)


def page_feed(path: str, fmt: str = "rss") -> str | None:
    """Return the feed of the reader page at ``path`` (a home or listing page), else None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    kind = PAGE_FEEDS.get(match.view_name)
    if kind is None:
        return None
    code = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(code):
        return feed_url(kind, match.kwargs.get("slug"), fmt=fmt) or None
