"""A feed changes at once on publish, edit and unpublish, and at a scheduled time without cron."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import feedparser
import pytest
from django.utils import timezone

from dastan.content.models import Article
from dastan.content.services import article_publish, article_schedule, article_unpublish
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def titles(client, url: str = "/feed/") -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [e.title for e in feedparser.parse(response.content).entries]


class FreshnessTests:
    def test_publish_edit_and_unpublish_show_at_once(self, client):
        ArticleFactory(title="Older story")
        draft = ArticleFactory(title="Breaking", status=Article.Status.DRAFT, published_at=None)
        assert titles(client) == ["Older story"]  # now cached
        article_publish(draft)
        assert titles(client) == ["Breaking", "Older story"]
        assert titles(client, "/feed/atom/") == ["Breaking", "Older story"]
        draft.title = "Breaking: more"
        draft.save()
        assert titles(client) == ["Breaking: more", "Older story"]
        etag = client.get("/feed/")["ETag"]
        article_unpublish(draft)
        assert titles(client) == ["Older story"]
        # A reader holding the old copy is not told it is current.
        assert client.get("/feed/", HTTP_IF_NONE_MATCH=etag).status_code == 200

    def test_listing_feed_follows_the_article(self, client):
        item = ArticleFactory(title="Budget")
        url = f"/section/{item.section.slug}/feed/"
        assert titles(client, url) == ["Budget"]
        article_unpublish(item)
        assert titles(client, url) == []

    def test_scheduled_article_appears_at_its_time(self, client):
        ArticleFactory(title="Now")
        at = timezone.now() + dt.timedelta(minutes=10)
        article_schedule(ArticleFactory(title="Later", status=Article.Status.DRAFT), at=at)
        assert titles(client) == ["Now"]  # cached until the scheduled time
        later = at + dt.timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert titles(client) == ["Later", "Now"]
