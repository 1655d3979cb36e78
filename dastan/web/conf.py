"""HTTP caching settings (``DASTAN_HTTP_CACHE``) with their defaults, read at call time."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _policy(max_age: int, s_maxage: int, revalidate: int, error: int) -> dict[str, int]:
    return {
        "max_age": max_age,
        "s_maxage": s_maxage,
        "stale_while_revalidate": revalidate,
        "stale_if_error": error,
    }


DEFAULTS: dict[str, Any] = {
    # Cache-Control per page type. Browsers keep a page briefly (max_age: they cannot be
    # purged); a shared cache keeps it longer (s_maxage), since a publish purges it, and
    # may serve it stale while it refetches or when the site is down.
    "PAGES": {
        "home": _policy(30, 300, 30, 86400),
        "article": _policy(60, 3600, 60, 86400),
        "listing": _policy(60, 600, 60, 86400),
        "search": _policy(60, 120, 30, 3600),
        "markets": _policy(300, 900, 60, 86400),
        "feed": _policy(300, 600, 60, 86400),
        "robots": _policy(3600, 86400, 3600, 86400),
        "redirect": _policy(300, 3600, 60, 86400),
        # Not purged when an article appears at that address: kept briefly.
        "not_found": _policy(0, 10, 10, 60),
        "default": _policy(60, 300, 60, 86400),
    },
    # Page type by URL name ("web:home"), else by namespace ("web"), else "default".
    "VIEWS": {
        "web:home": "home",
        "web:article": "article",
        "web": "listing",
        "search": "search",
        "rates": "markets",
        "feeds": "feed",
        "robots": "robots",
    },
    # The purge hook: {"BACKEND": "dastan.web.purge.http", "OPTIONS": {...}}; None purges nothing.
    "PURGE": None,
    # Seconds a page's ETag is confirmed with a 304 from the versions of its keys, without
    # rendering it: the longest the parts no key covers (the rates ticker, the navigation)
    # may lag behind for a client that revalidates.
    "ETAG_TIMEOUT": 60,
    # The whole-page store in front of Django (web/pagestore.py): kept pages answered to
    # anonymous readers without running Django.
    "PAGE_STORE": True,
    # Bytes of page bodies each process keeps in memory (least recently used go first).
    "PAGE_STORE_BYTES": 64 * 1024 * 1024,
    # Seconds a kept page holds at most whatever changes: the longest the parts no key covers
    # (the rates ticker, the navigation) may lag behind on a kept page.
    "PAGE_TIMEOUT": 60,
    # Seconds a process uses the versions it read before checking again: with one rebuild,
    # how long a change takes to reach every server's kept pages (the promise is one second).
    "PAGE_VERSIONS_AGE": 0.5,
    # Seconds a rendered fragment is used without checking the database at all.
    "FRAGMENT_TIMEOUT": 300,
    # A stale fragment is kept this long past its timeout, to be served while one request
    # rebuilds it (no stampede).
    "STALE_TIMEOUT": 3600,
    # The rebuild lock's lifetime (a crashed worker's lock goes by itself) and how long a
    # request with no value at all waits for another's rebuild before it renders itself.
    "LOCK_TIMEOUT": 10,
    "LOCK_WAIT": 2.0,
}


def http_cache_setting(name: str) -> Any:
    """Return ``DASTAN_HTTP_CACHE[name]`` or its default."""
    return getattr(settings, "DASTAN_HTTP_CACHE", {}).get(name, DEFAULTS[name])


def page_policy(page_type: str) -> dict[str, int]:
    """Return the Cache-Control values of ``page_type``; the settings add to the defaults."""
    pages = {**DEFAULTS["PAGES"], **http_cache_setting("PAGES")}
    return pages.get(page_type) or pages["default"]


def page_type(view_name: str) -> str:
    """Return the page type of the URL name ``view_name`` ("web:section" -> "listing")."""
    views = {**DEFAULTS["VIEWS"], **http_cache_setting("VIEWS")}
    if view_name in views:
        return views[view_name]
    return views.get(view_name.partition(":")[0], "default")
