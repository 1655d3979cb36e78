"""Answer old WordPress addresses with a 301 to their Dastan page."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from dastan.content.conf import site_setting
from dastan.redirects.conf import redirects_setting
from dastan.redirects.models import LegacyRedirect

# WordPress query-string addresses: /?p=42, /?cat=7 ... (one parameter names the object).
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "tag_id", "author", "author_name")

# Endings WordPress adds to any address: listing pages, feeds, a post's
# own pages (<!--nextpage-->), comment pages, trackback/embed/amp views.
_PAGED = re.compile(r"^(?P<head>.*/)page/(?P<page>\d+)/$")
_SUFFIXES = re.compile(
    r"^(?P<head>.*/)(?:feed/(?:rss2?/|atom/|rdf/)?|\d+/|comment-page-\d+/|trackback/|embed/|amp/)$"
)


class LegacyRedirectMiddleware:
    """Turn a 404 on a known legacy address into a permanent redirect.

    Paths are looked up only after the view answered 404, so a legacy
    address never hides a live page and ordinary requests cost nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reading = request.method in ("GET", "HEAD")
        # /?p=42 is the home page's address with a query: it never 404s, so
        # the WordPress query forms are looked up before the view runs.
        if reading and any(key in request.GET for key in QUERY_KEYS):
            target = legacy_target(request.path, request.GET)
            if target is not None and target != request.get_full_path():
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or not reading:
            return response
        target = legacy_target(request.path, request.GET)
        if target is None or target == request.get_full_path():
            return response
        return HttpResponsePermanentRedirect(target)


def legacy_target(path: str, query) -> str | None:
    """Return the Dastan address for an old ``path`` and query, or None."""
    if not path.endswith("/"):
        path += "/"
    page = query.get("paged") or ""
    for key in QUERY_KEYS:
        value = query.get(key)
        if value:
            found = _lookup(f"{path}?{key}={value}")
            return _with_page(found, page) if found else None
    while True:
        match = _PAGED.match(path)
        if match:
            path, page = match["head"], match["page"]
        found = _lookup(path)
        if found is not None:
            return _with_page(found, page)
        match = _SUFFIXES.match(path)
        if not match:
            return None
        path = match["head"]


def _lookup(old_path: str) -> LegacyRedirect | None:
    return (
        LegacyRedirect.objects.select_related("article", "section", "tag", "author")
        .filter(old_path=old_path)
        .first()
    )


def _with_page(redirect: LegacyRedirect, page: str) -> str | None:
    target = redirect.target()
    if target and page.isdigit() and int(page) > 1 and redirect.is_listing:
        number = dastan_page(int(page))
        if number > 1:
            target += ("&" if "?" in target else "?") + urlencode({"page": number})
    return target


def dastan_page(old_page: int) -> int:
    """Return the Dastan page that holds the first article of the old site's page."""
    first = (old_page - 1) * redirects_setting("LEGACY_PAGE_SIZE")
    return first // site_setting("PAGE_SIZE") + 1
