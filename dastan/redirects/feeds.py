"""WordPress feed addresses: 301 to the matching Dastan feed, 410 for comment feeds.

WordPress serves a feed under any listing (``/category/x/feed/``, ``/feed/rss2/``,
``/tag/y/feed/atom/``) and as ``?feed=rss2`` on any address. Each goes to the
feed of the page it belonged to, in the same format family. Dastan has no
comments, so a comment feed (``/comments/feed/``, a post's ``/slug/feed/``,
``?feed=comments-rss2``) answers 410 Gone: a feed reader drops a gone feed,
while a redirect to an HTML page would fail to parse on every poll.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponse, HttpResponseGone, HttpResponsePermanentRedirect, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation

from dastan.content.models import Section
from dastan.feeds.addresses import page_feed

# WordPress's feed names (?feed= and /feed/<name>/) and the Dastan format that serves each.
FORMATS = {"rss": "rss", "rss2": "rss", "rdf": "rss", "atom": "atom", "json": "json"}
COMMENT_FEEDS = {"comments-rss2", "comments-atom"}
_CATEGORY = re.compile(r"^(/[^/]+)?/category/([^/]+/)$")


def feed_ending(path: str) -> tuple[str, str] | None:
    """Return ``(page path, format)`` when ``path`` ends in a WordPress feed ending, else None."""
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) >= 2 and segments[-2] == "feed" and segments[-1] in FORMATS:
        fmt, segments = FORMATS[segments[-1]], segments[:-2]
    elif segments and segments[-1] == "feed":
        fmt, segments = "rss", segments[:-1]
    else:
        return None
    return "/" + "".join(f"{s}/" for s in segments), fmt


def _is_article(path: str) -> bool:
    try:
        return resolve(path.split("?", 1)[0]).view_name == "web:article"
    except Resolver404:
        return False


def feed_response(
    page: str, fmt: str, query: QueryDict, target, *, asked: str = ""
) -> HttpResponse | None:
    """Answer the feed of ``page``: 301 to its Dastan feed, 410 for a comment feed, else None.

    ``target`` maps an old address and query to its Dastan page (the redirects
    app's ``legacy_target``, one query); a WordPress category without a stored
    redirect is tried as the section of the same slug. ``asked`` is the address
    requested, never answered with itself.
    """
    moved = target(page, query)
    if moved is not None:
        page = unquote(moved.split("?", 1)[0])  # addresses are stored IRI-encoded
    elif page.rstrip("/").rsplit("/", 1)[-1] == "comments":
        return HttpResponseGone()  # the site's comment feed (/comments/feed/)
    elif (category := _CATEGORY.match(page)) and Section.objects.filter(
        slug=unquote(category[2].rstrip("/"))
    ).exists():
        page = _CATEGORY.sub(r"\1/section/\2", page)
    found = page_feed(page, fmt)
    if found is not None and found != asked:
        return HttpResponsePermanentRedirect(found)
    # A post's own feed is its comments' feed.
    return HttpResponseGone() if _is_article(page) else None


def query_feed_response(path: str, query: QueryDict, target) -> HttpResponse | None:
    """Answer ``?feed=rss2`` (and the like) on any address, or None when it names no feed."""
    name = query.get("feed", "")
    if name in COMMENT_FEEDS:
        return HttpResponseGone()
    if name not in FORMATS:
        return None
    rest = query.copy()
    del rest["feed"]
    # /?cat=7&feed=rss2 is the category's feed: the old query names the page first.
    found = feed_response(path, FORMATS[name], rest, target)
    if found is not None:
        return found
    # An address that is neither a listing nor an article: its edition's own feed.
    code = translation.get_language_from_path(path)
    home = f"/{code}/" if code and code != settings.LANGUAGE_CODE else "/"
    return HttpResponsePermanentRedirect(page_feed(home, FORMATS[name]) or "/feed/")
