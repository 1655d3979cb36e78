"""Every committed content change purges the keys it expired; a failing purge is only logged."""

from __future__ import annotations

import logging

import httpx
import pytest

from dastan.content import services
from dastan.content.models import Article
from dastan.web.purge import purge_backend
from tests.factories import ArticleFactory, CorrectionFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def purged(settings):
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    settings.DASTAN_HTTP_CACHE = {
        "PURGE": {
            "BACKEND": "dastan.web.purge.http",
            "OPTIONS": {
                "urls": ["https://cdn.example/purge"],
                "transport": httpx.MockTransport(handle),
            },
        }
    }
    return sent


def keys(sent: list[httpx.Request]) -> list[set[str]]:
    return [set(r.headers["Surrogate-Key"].split()) for r in sent]


class PurgeHookTests:
    def test_a_publish_purges_its_page_listings_and_home_once_after_commit(self, purged):
        economy, sport = SectionFactory(), SectionFactory()
        draft = ArticleFactory(status="draft", published_at=None, section=economy)
        purged.clear()
        services.article_publish(Article.objects.get(pk=draft.pk))
        assert len(purged) == 1
        (sent,) = keys(purged)
        assert {f"article-{draft.pk}", f"section-{economy.pk}", "home-en", "feed-en"} <= sent
        assert f"section-{sport.pk}" not in sent and "site" not in sent

    def test_edit_unpublish_and_correction_purge_the_article(self, purged):
        article = ArticleFactory()
        for change in (
            lambda: services.article_save(Article.objects.get(pk=article.pk)),
            lambda: CorrectionFactory(article=article),
            lambda: services.article_unpublish(Article.objects.get(pk=article.pk)),
        ):
            purged.clear()
            change()
            assert all(f"article-{article.pk}" in sent for sent in keys(purged))
            assert purged

    def test_no_purge_configured_builds_no_backend(self, settings):
        settings.DASTAN_HTTP_CACHE = {}
        assert purge_backend() is None

    def test_a_failed_purge_is_logged_and_the_write_stands(self, settings, caplog):
        def refuse(request):
            raise httpx.ConnectError("down", request=request)

        settings.DASTAN_HTTP_CACHE = {
            "PURGE": {
                "BACKEND": "dastan.web.purge.http",
                "OPTIONS": {
                    "urls": ["https://cdn.example/purge"],
                    "transport": httpx.MockTransport(refuse),
                },
            }
        }
        with caplog.at_level(logging.ERROR, logger="dastan.web.purge"):
            article = ArticleFactory(title="Stands")
        assert Article.objects.get(pk=article.pk).title == "Stands"
        assert "Purging" in caplog.text
