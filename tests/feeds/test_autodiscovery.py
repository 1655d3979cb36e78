"""Every reader page announces the edition's feeds, and a listing its own, in the head."""

from __future__ import annotations

import pytest
from lxml import html

from tests.factories import ArticleFactory, AuthorFactory, PlaceFactory, TagFactory
from tests.feeds.conftest import BASE, fetch

pytestmark = pytest.mark.django_db

TYPES = ["application/rss+xml", "application/atom+xml", "application/feed+json"]


def feed_links(client, url: str) -> list[tuple[str, str]]:
    doc = html.fromstring(fetch(client, url).content)
    return [
        (link.get("type"), link.get("href"))
        for link in doc.xpath('//head/link[@rel="alternate"][@type]')
    ]


class AutodiscoveryTests:
    def test_home_and_article_announce_the_site_feeds(self, client):
        item = ArticleFactory()
        site = list(
            zip(TYPES, [BASE + "/feed/", BASE + "/feed/atom/", BASE + "/feed.json"], strict=False)
        )
        assert feed_links(client, "/") == site
        assert feed_links(client, item.get_absolute_url()) == site

    @pytest.mark.parametrize("kind", ["section", "tag", "place", "author"])
    def test_listing_announces_its_own_feeds_in_its_edition(self, client, kind):
        item = ArticleFactory(
            language="ru",
            tags=[TagFactory(slug="rail")],
            places=[PlaceFactory(slug="almaty")],
            authors=[AuthorFactory(slug="aigerim")],
        )
        slug = {"section": item.section.slug, "tag": "rail", "place": "almaty"}.get(kind, "aigerim")
        links = feed_links(client, f"/ru/{kind}/{slug}/")
        own = f"{BASE}/ru/{kind}/{slug}/"
        assert links == [
            (TYPES[0], BASE + "/ru/feed/"),
            (TYPES[1], BASE + "/ru/feed/atom/"),
            (TYPES[2], BASE + "/ru/feed.json"),
            (TYPES[0], own + "feed/"),
            (TYPES[1], own + "feed/atom/"),
            (TYPES[2], own + "feed.json"),
        ]
        for _type, href in links:
            assert client.get(href.removeprefix(BASE)).status_code == 200
