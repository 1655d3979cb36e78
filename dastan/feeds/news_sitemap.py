"""``/news-sitemap.xml``: Google News sitemap of the articles published in the last two days.

One file for every edition, each article with its own language. Google's rules
("Create a News sitemap"): only articles published in the last two days, at most
1,000 ``<news:news>`` entries, each with the publication's name and language
(ISO 639), the publication date (W3C) and the title.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import condition

from dastan.content.conf import site_setting
from dastan.content.models import Article
from dastan.editions.conf import editions_all
from dastan.feeds.sitemap_selectors import ArticleAddresses, digest
from dastan.feeds.sitemap_xml import (
    NEWS_NS,
    URLSET_CLOSE,
    url_element,
    urlset_open,
    w3c_datetime,
    xml_text,
)
from dastan.feeds.sitemaps import _memo, request_now, xml_response
from dastan.web.decorators import read_only

# These limits are Google's. See https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
NEWS_WINDOW = dt.timedelta(days=2)
NEWS_LIMIT = 1000


def news_language(hreflang: str) -> str:
    """Return the ISO 639 code Google wants: the language subtag, or zh-cn / zh-tw for Chinese."""
    code = hreflang.lower()
    if code in ("zh-cn", "zh-hans"):
        return "zh-cn"
    if code in ("zh-tw", "zh-hant"):
        return "zh-tw"
    return code.split("-", 1)[0]


def news_body(*, now: dt.datetime) -> bytes:
    """Return the news sitemap: listed public articles of the last two days, newest first."""
    languages = {e.code: news_language(e.hreflang) for e in editions_all()}
    rows = (
        Article.objects.public(now=now)
        .filter(is_listed=True, language__in=list(languages), published_at__gte=now - NEWS_WINDOW)
        .order_by("-published_at", "-id")
        .values_list("slug", "published_at", "language", "title")[:NEWS_LIMIT]
    )
    addresses = ArticleAddresses()
    name = xml_text(site_setting("NAME"), 120)
    parts = [urlset_open(("news", NEWS_NS))]
    for slug, published_at, language, title in rows:
        url = addresses.url(language, slug, published_at)
        if not url:
            continue
        news = (
            "<news:news><news:publication>"
            f"<news:name>{name}</news:name><news:language>{languages[language]}</news:language>"
            "</news:publication>"
            f"<news:publication_date>{w3c_datetime(published_at)}</news:publication_date>"
            f"<news:title>{xml_text(title)}</news:title></news:news>"
        )
        parts.append(url_element(url, extra=news))
    parts.append(URLSET_CLOSE)
    return "".join(parts).encode()


def _body(request: HttpRequest) -> bytes:
    return _memo(request, "news", lambda: news_body(now=request_now(request)))


@read_only
@condition(etag_func=lambda request: digest(_body(request)))
def news(request: HttpRequest) -> HttpResponse:
    """The Google News sitemap (at most 1,000 articles, so it is built whole)."""
    return xml_response(request, _body(request))
