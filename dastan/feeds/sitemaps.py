"""The sitemap index and the article and listing sitemaps it names (sitemaps.org 0.9).

Every answer is built from the database at request time, so a publish, an edit,
an unpublish or a scheduled article's time shows in the next fetch; ETag and
Last-Modified let a crawler's repeat fetch end in a 304. Article sitemaps stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import condition

from dastan.content.versioning import edition_key
from dastan.editions.conf import edition_codes
from dastan.feeds.sitemap_listings import edition_home_url, listing_parts, listing_urls
from dastan.feeds.sitemap_selectors import (
    ArticleFile,
    article_entries,
    article_file_get,
    article_file_limit,
    article_file_validators,
    article_files,
    digest,
    site_url,
)
from dastan.feeds.sitemap_xml import (
    URLSET_CLOSE,
    XHTML_NS,
    sitemap_index,
    url_element,
    urlset_open,
)
from dastan.web.decorators import read_only
from dastan.web.fragments import cached_fragment

CONTENT_TYPE = "application/xml; charset=utf-8"


def _memo(request: HttpRequest, key: str, build: Callable):
    """Compute a request's value once: the validators and the view both need it."""
    found = request.__dict__.setdefault("_sitemaps", {})
    if key not in found:
        found[key] = build()
    return found[key]


def request_now(request: HttpRequest) -> dt.datetime:
    """Return the one "now" a request's queries share (what is public, and since when)."""
    return _memo(request, "now", timezone.now)


def xml_response(request: HttpRequest, body: bytes | Iterator[bytes]) -> HttpResponse:
    """Return an XML answer: HEAD gets the headers only; a sitemap is never a search result."""
    if request.method == "HEAD":
        response = HttpResponse(content_type=CONTENT_TYPE)
    elif isinstance(body, bytes):
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(body, content_type=CONTENT_TYPE)
    response["X-Robots-Tag"] = "noindex"
    return response


def edition_index_entries(edition: str, now: dt.datetime) -> list[tuple[str, dt.datetime | None]]:
    """Return an edition's (path, lastmod) entries in the index: pages, listings, articles."""
    entries: list[tuple[str, dt.datetime | None]] = [(f"/sitemaps/{edition}/pages.xml", None)]
    for kind, parts in listing_parts(edition=edition, now=now).items():
        entries += [
            (f"/sitemaps/{edition}/{kind}{_suffix(part)}.xml", None) for part in range(1, parts + 1)
        ]
    entries += [(f.path, f.lastmod) for f in article_files(edition=edition, now=now)]
    return entries


def _index_body(request: HttpRequest) -> bytes:
    """Build the index from each edition's entries, cached until that edition's content changes.

    At 1,000,000 articles an edition's entries cost seconds of index reads, so they are
    kept as a page fragment is (``web.fragments``): depending on the edition's feed key,
    which every change to its articles moves, and expiring when the next scheduled article
    goes public.
    """

    def build() -> bytes:
        now = request_now(request)
        name = f"sitemap-index:{article_file_limit()}"
        entries = []
        for edition in edition_codes():
            found = cached_fragment(
                name,
                lambda edition=edition: edition_index_entries(edition, now),
                edition=edition,
                keys=[edition_key("feed", edition)],
            )
            entries += [(site_url(path), lastmod) for path, lastmod in found]
        return sitemap_index(entries).encode()

    return _memo(request, "index", build)


def _suffix(part: int) -> str:
    return f"-{part}" if part > 1 else ""


@read_only
@condition(etag_func=lambda request: digest(_index_body(request)))
def index(request: HttpRequest) -> HttpResponse:
    """``/sitemap.xml``: every edition's page, listing and article sitemaps."""
    return xml_response(request, _index_body(request))


def _article_file(request: HttpRequest, edition: str, year: str, month: str, part=None):
    def build() -> ArticleFile | None:
        if edition not in edition_codes() or not 1 <= int(year) <= 9999:
            return None
        return article_file_get(
            edition=edition,
            year=int(year),
            month=int(month),
            part=int(part or 1),
            now=request_now(request),
        )

    return _memo(request, "article_file", build)


def _article_validators(request: HttpRequest, *args, **kwargs) -> tuple[str, dt.datetime] | None:
    file = _article_file(request, *args, **kwargs)
    if file is None:
        return None
    return _memo(
        request, "validators", lambda: article_file_validators(file, now=request_now(request))
    )


def _article_etag(request, *args, **kwargs) -> str | None:
    found = _article_validators(request, *args, **kwargs)
    return digest(found[0]) if found else None


def _article_last_modified(request, *args, **kwargs) -> dt.datetime | None:
    found = _article_validators(request, *args, **kwargs)
    return found[1] if found else None


@read_only
@condition(etag_func=_article_etag, last_modified_func=_article_last_modified)
def articles(
    request: HttpRequest, edition: str, year: str, month: str, part: str | None = None
) -> HttpResponse:
    """One edition's articles of one month (or a numbered part of it), streamed."""
    file = _article_file(request, edition, year, month, part)
    if file is None:
        raise Http404("No such sitemap")
    now = request_now(request)

    def stream() -> Iterator[bytes]:
        yield urlset_open(("xhtml", XHTML_NS)).encode()
        for entries in article_entries(file, now=now):
            yield "".join(
                url_element(e.url, lastmod=e.lastmod, alternates=e.alternates) for e in entries
            ).encode()
        yield URLSET_CLOSE.encode()

    return xml_response(request, stream())


def _listing_body(request: HttpRequest, edition: str, kind: str, part=None) -> bytes | None:
    def build() -> bytes | None:
        number = int(part or 1)
        if edition not in edition_codes():
            return None
        if kind == "pages":
            urls = [edition_home_url(edition)] if number == 1 else []
        else:
            urls = listing_urls(kind=kind, edition=edition, part=number, now=request_now(request))
        if not urls:
            return None
        body = urlset_open() + "".join(url_element(url) for url in urls) + URLSET_CLOSE
        return body.encode()

    return _memo(request, "listing", build)


def _listing_etag(request, *args, **kwargs) -> str | None:
    body = _listing_body(request, *args, **kwargs)
    return digest(body) if body is not None else None


@read_only
@condition(etag_func=_listing_etag)
def listings(
    request: HttpRequest, edition: str, kind: str, part: str | None = None
) -> HttpResponse:
    """An edition's home page, or its section, tag, place or author pages that list articles.

    No ``lastmod``: a listing changes whenever any of its articles does, and
    finding that per listing would read every article link on each fetch.
    """
    body = _listing_body(request, edition, kind, part)
    if body is None:
        raise Http404("No such sitemap")
    return xml_response(request, body)
