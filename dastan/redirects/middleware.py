"""Answer old WordPress addresses with a 301 to their Dastan page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from dastan.content.conf import site_setting
from dastan.redirects.conf import redirects_setting
from dastan.redirects.feeds import feed_ending, feed_response, query_feed_response
from dastan.redirects.models import LegacyRedirect

# WordPress query-string addresses: /?p=42, /?cat=7 ... (one parameter names the object).
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "tag_id", "author", "author_name")

# Endings WordPress adds to any address: listing pages, feeds, a post's
# own pages (<!--nextpage-->), comment pages, trackback/embed/amp views.
# At most this many are taken off: real addresses carry one or two
# (/category/x/page/2/feed/), and each one more is only a longer IN list.
MAX_SUFFIXES = 3
_FEED_FORMATS = {"rss", "rss2", "atom", "rdf"}
_VIEWS = {"feed", "trackback", "embed", "amp"}


class LegacyRedirectMiddleware:
    """Turn a 404 on a known legacy address into a permanent redirect.

    Paths are looked up only after the view answered 404, so a legacy
    address never hides a live page and ordinary requests cost nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reading = request.method in ("GET", "HEAD")
        if reading and "feed" in request.GET:
            answer = query_feed_response(request.path, request.GET, legacy_target)
            if answer is not None:
                return answer
        # /?p=42 is the home page's address with a query: it never 404s, so
        # the WordPress query forms are looked up before the view runs; so is
        # Polylang's home of another language, /?lang=ru.
        if reading and (
            any(key in request.GET for key in QUERY_KEYS)
            or (request.path == "/" and legacy_language(request.GET))
        ):
            target = legacy_target(request.path, request.GET)
            if target is not None and target != request.get_full_path():
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or not reading:
            return response
        ending = feed_ending(request.path)
        if ending is not None:
            # A feed goes to a feed (or is gone), never to an HTML page.
            return (
                feed_response(*ending, request.GET, legacy_target, asked=request.path) or response
            )
        target = legacy_target(request.path, request.GET)
        if target is None or target == request.get_full_path():
            return response
        return HttpResponsePermanentRedirect(target)


def legacy_target(path: str, query) -> str | None:
    """Return the Dastan address for an old ``path`` and query, or None.

    One query whatever the path: the path and its forms without WordPress's
    endings are looked up together.
    """
    if "\x00" in path:
        return None  # no stored address holds a NUL, and PostgreSQL refuses one in a query
    if not path.endswith("/"):
        path += "/"
    page = query.get("paged") or ""
    language = legacy_language(query)
    for key in QUERY_KEYS:
        value = query.get(key)
        if value and "\x00" not in value:
            found = legacy_redirect_get(f"{path}?{key}={value}")
            return _with_page(found, page, language) if found else None
    candidates = _candidates(path, page)
    max_length = LegacyRedirect._meta.get_field("old_path").max_length
    wanted = [old for old, _ in candidates if len(old) <= max_length]
    if not wanted:
        return None
    rows = {
        row.old_path: row
        for row in LegacyRedirect.objects.select_related(
            "article", "section", "tag", "author", "place"
        ).filter(old_path__in=wanted)
    }
    for old, old_page in candidates:
        if old in rows:
            return _with_page(rows[old], old_page, language)
    return None


def legacy_language(query) -> str:
    """Return the edition Polylang's ``?lang=ru`` asks for ('' when none or unknown)."""
    value = query.get("lang") or ""
    codes = {code for code, _ in settings.LANGUAGES}
    return value if value in codes else ""


def _candidates(path: str, page: str) -> list[tuple[str, str]]:
    """Return ``(old path, page)`` to try, in order: the path, then without its endings."""
    # Empty segments go, as when the old addresses were stored ("//a" is "/a").
    segments = [segment for segment in path.split("/") if segment]
    found: list[tuple[str, str]] = []
    for _ in range(MAX_SUFFIXES + 1):
        if len(segments) >= 2 and segments[-2] == "page" and segments[-1].isdigit():
            page, segments = segments[-1], segments[:-2]
        found.append(("/" + "".join(f"{s}/" for s in segments), page))
        cut = _suffix_length(segments)
        if not cut:
            break
        segments = segments[:-cut]
    return found


def _suffix_length(segments: list[str]) -> int:
    """Return how many trailing segments are a WordPress ending (0 when none)."""
    if not segments:
        return 0
    last = segments[-1]
    if len(segments) >= 2 and segments[-2] == "feed" and last in _FEED_FORMATS:
        return 2
    if last.isdigit() or last in _VIEWS:
        return 1
    if last.startswith("comment-page-") and last[len("comment-page-") :].isdigit():
        return 1
    return 0


def legacy_redirect_get(old_path: str) -> LegacyRedirect | None:
    """Return the redirect stored for exactly ``old_path`` (decoded, as ``request.path``)."""
    if "\x00" in old_path:
        return None
    return (
        LegacyRedirect.objects.select_related("article", "section", "tag", "author", "place")
        .filter(old_path=old_path)
        .first()
    )


def _with_page(redirect: LegacyRedirect, page: str, language: str = "") -> str | None:
    target = redirect.target(language)
    if target and page.isdigit() and int(page) > 1 and redirect.is_listing:
        number = dastan_page(int(page))
        if number > 1:
            target += ("&" if "?" in target else "?") + urlencode({"page": number})
    return target


def dastan_page(old_page: int) -> int:
    """Return the Dastan page that holds the first article of the old site's page."""
    first = (old_page - 1) * redirects_setting("LEGACY_PAGE_SIZE")
    return first // site_setting("PAGE_SIZE") + 1
