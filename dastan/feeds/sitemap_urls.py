"""Sitemap addresses: unprefixed, one index for every edition (sitemaps must sit at the root).

A part number never has a leading zero and part 1 has none, so each file has one address.
"""

from django.urls import path, re_path

from dastan.feeds import news_sitemap, sitemaps

EDITION = r"(?P<edition>[a-z]{2,3}(?:-[a-z0-9]{2,8})?)"
PART = r"(?:-(?P<part>[2-9]|[1-9][0-9]{1,5}))?"

urlpatterns = [
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("news-sitemap.xml", news_sitemap.news, name="news_sitemap"),
    re_path(
        rf"^sitemaps/{EDITION}/articles-(?P<year>[0-9]{{4}})-(?P<month>0[1-9]|1[0-2]){PART}\.xml$",
        sitemaps.articles,
        name="sitemap_articles",
    ),
    re_path(
        rf"^sitemaps/{EDITION}/(?P<kind>pages|sections|tags|places|authors){PART}\.xml$",
        sitemaps.listings,
        name="sitemap_listings",
    ),
]
