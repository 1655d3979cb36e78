"""Feed responses: built once per content version, answered 304 when the reader has them.

A feed's bytes are cached with ``web.fragments.cached_fragment``, keyed on the
edition's content version and expiring when the next scheduled article goes
public, so a publish, an edit or an unpublish shows at once and a scheduled
article appears at its time without cron. The ETag is a hash of those bytes,
so it changes exactly when the feed does; Last-Modified is the newest change
among its items (``items.newest_change``).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.http import condition

from dastan.content.versioning import edition_key
from dastan.editions.addresses import edition_current
from dastan.feeds.feeds import FEEDS
from dastan.feeds.items import newest_change
from dastan.web.decorators import read_only
from dastan.web.fragments import cached_fragment


def feed_build(request: HttpRequest, kind: str, fmt: str, slug: str | None) -> dict | None:
    """Return a feed's body, content type, ETag and newest change (None: no such listing)."""
    feed = FEEDS[kind](fmt)
    try:
        obj = feed.get_object(request, slug=slug)
    except ObjectDoesNotExist:
        return None
    generator = feed.get_feed(obj, request)
    changed = newest_change(feed.item_list, edition=edition_current(request))
    generator.feed["last_modified"] = changed
    body = generator.writeString("utf-8").encode("utf-8")
    return {
        "body": body,
        "content_type": generator.content_type,
        "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "last_modified": changed,
    }


def _entry(request: HttpRequest, kind: str, fmt: str, slug: str | None = None) -> dict:
    """Return the feed's cached entry, once per request (both validators read it)."""
    entry = getattr(request, "_feed_entry", None)
    if entry is None:
        entry = cached_fragment(
            f"feed:{kind}:{fmt}:{slug or ''}",
            lambda: feed_build(request, kind, fmt, slug),
            keys=[edition_key("feed", edition_current(request))],
        )
        if entry is None:
            raise Http404("No such feed")
        request._feed_entry = entry
    return entry


@read_only
@condition(
    etag_func=lambda request, **kw: _entry(request, **kw)["etag"],
    last_modified_func=lambda request, **kw: _entry(request, **kw)["last_modified"],
)
def feed(request: HttpRequest, *, kind: str, fmt: str, slug: str | None = None) -> HttpResponse:
    """Answer a feed; ``condition`` has already answered 304 when the reader's copy is current."""
    entry = _entry(request, kind=kind, fmt=fmt, slug=slug)
    return HttpResponse(entry["body"], content_type=entry["content_type"])


@read_only
def alias(request: HttpRequest, *, target: str) -> HttpResponse:
    """Send ``/rss/`` and ``/atom/`` to the one address of their feed, so readers share it."""
    return HttpResponsePermanentRedirect(reverse(target))
