"""Old WordPress feed addresses: 301 to the matching Dastan feed, 410 for comment feeds."""

from __future__ import annotations

import pytest

from dastan.redirects.feeds import feed_ending
from dastan.redirects.models import LegacyRedirect
from tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def moved(client, old: str) -> str:
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    assert client.get(response["Location"]).status_code == 200, response["Location"]
    return response["Location"]


class FeedEndingTests:
    def test_endings(self):
        assert feed_ending("/feed/") == ("/", "rss")
        assert feed_ending("/category/x/feed/atom/") == ("/category/x/", "atom")
        assert feed_ending("/tag/y/feed/rss2/") == ("/tag/y/", "rss")
        assert feed_ending("/feed/rdf/") == ("/", "rss")
        assert feed_ending("/tag/feed-news/") is None


class FeedRedirectTests:
    def test_site_feed_endings(self, client):
        assert moved(client, "/feed/rss2/") == "/feed/"
        assert moved(client, "/feed/rss/") == "/feed/"
        assert moved(client, "/feed/rdf/") == "/feed/"
        assert moved(client, "/ru/feed/rss2/") == "/ru/feed/"
        assert client.get("/feed/atom/").status_code == 200  # the same address on both sites

    def test_category_feed_goes_to_the_section_feed(self, client):
        section = SectionFactory(slug="news")
        LegacyRedirect.objects.create(
            old_path="/category/local-news/", kind=LegacyRedirect.Kind.SECTION, section=section
        )
        assert moved(client, "/category/local-news/feed/") == "/section/news/feed/"
        assert moved(client, "/category/local-news/feed/atom/") == "/section/news/feed/atom/"
        # Without a stored redirect, the section of the same slug.
        SectionFactory(slug="sport")
        assert moved(client, "/category/sport/feed/") == "/section/sport/feed/"

    def test_old_tag_slug_feed(self, client):
        tag = TagFactory(slug="rail")
        LegacyRedirect.objects.create(
            old_path="/tag/rail-2/", kind=LegacyRedirect.Kind.TAG, tag=tag
        )
        assert moved(client, "/tag/rail-2/feed/") == "/tag/rail/feed/"
        assert moved(client, "/tag/rail-2/feed/rss2/") == "/tag/rail/feed/"

    def test_query_feeds(self, client):
        section = SectionFactory(slug="news")
        LegacyRedirect.objects.create(
            old_path="/?cat=7", kind=LegacyRedirect.Kind.SECTION, section=section
        )
        assert moved(client, "/?feed=rss2") == "/feed/"
        assert moved(client, "/?feed=atom") == "/feed/atom/"
        assert moved(client, "/ru/?feed=rss2") == "/ru/feed/"
        assert moved(client, "/section/news/?feed=atom") == "/section/news/feed/atom/"
        assert moved(client, "/?cat=7&feed=rss2") == "/section/news/feed/"
        assert moved(client, "/no/such/page/?feed=rss2") == "/feed/"

    def test_comment_feeds_are_gone(self, client):
        item = ArticleFactory()
        LegacyRedirect.objects.create(
            old_path="/old-post/", kind=LegacyRedirect.Kind.ARTICLE, article=item
        )
        assert client.get("/comments/feed/").status_code == 410
        assert client.get("/ru/comments/feed/").status_code == 410
        assert client.get("/old-post/feed/").status_code == 410
        assert client.get(item.get_absolute_url() + "feed/").status_code == 410
        assert client.get("/?feed=comments-rss2").status_code == 410
        assert client.get(item.get_absolute_url() + "?feed=rss2").status_code == 410

    def test_unknown_feed_stays_a_404(self, client):
        assert client.get("/category/nothing/feed/").status_code == 404
        assert client.get("/somewhere/feed/").status_code == 404
