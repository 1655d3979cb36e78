"""The nginx purge: each key turned back into its pages' addresses, one PURGE per address."""

from __future__ import annotations

import httpx
import pytest

from dastan.web.purge.nginx import Backend
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def recorder(status: int = 200):
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status)

    return sent, httpx.MockTransport(handle)


class NginxPurgeTests:
    def test_keys_become_the_addresses_of_their_pages(self):
        section = SectionFactory(slug="economy")
        author = AuthorFactory(slug="aida")
        article = ArticleFactory(section=section)
        backend = Backend()
        keys = [
            f"article-{article.pk}",
            f"section-{section.pk}",
            f"author-{author.pk}",
            "home-ru",
            "archive-en-2026-11",
            "corrections-en",
        ]
        assert backend.paths(keys) == sorted(
            [
                article.get_absolute_url(),
                "/section/economy/",
                "/section/economy/?*",
                "/section/economy/feed/*",
                "/ru/section/economy/",
                "/ru/section/economy/?*",
                "/ru/section/economy/feed/*",
                "/author/aida/",
                "/author/aida/?*",
                "/author/aida/feed/*",
                "/ru/author/aida/",
                "/ru/author/aida/?*",
                "/ru/author/aida/feed/*",
                "/ru/",
                "/2026/11/",
                "/2026/11/?*",
                "/corrections/",
                "/corrections/?*",
            ]
        )

    def test_site_purges_everything_once(self):
        assert Backend().paths(["site", "home-en", "article-1"]) == ["/*"]

    def test_unknown_or_deleted_things_purge_nothing(self):
        assert Backend().paths(["article-999999", "tag-123456", "nonsense"]) == []

    def test_an_editions_feed_key_purges_its_feeds_and_the_sitemaps(self):
        assert Backend().paths(["feed-ru"]) == [
            "/news-sitemap.xml",
            "/ru/feed*",
            "/sitemap.xml",
            "/sitemaps/*",
        ]

    def test_each_address_is_sent_a_purge_with_the_sites_host(self, settings):
        settings.DASTAN_SITE = {**settings.DASTAN_SITE, "BASE_URL": "https://news.example"}
        sent, transport = recorder(status=404)
        Backend(url="http://127.0.0.1:8080", transport=transport).purge(["home-en", "home-ru"])
        assert [(r.method, str(r.url)) for r in sent] == [
            ("PURGE", "http://127.0.0.1:8080/"),
            ("PURGE", "http://127.0.0.1:8080/ru/"),
        ]
        assert {r.headers["Host"] for r in sent} == {"news.example"}

    def test_a_failing_cache_raises(self):
        _, transport = recorder(status=500)
        with pytest.raises(httpx.HTTPStatusError):
            Backend(transport=transport).purge(["home-en"])
