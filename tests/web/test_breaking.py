"""The breaking-news banner: on every reader page while flagged, on cached pages too."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article
from tests.factories import ArticleFactory
from tests.web.test_etags import revalidate

pytestmark = pytest.mark.django_db


def banner(client, url: str = "/", **headers) -> str:
    response = client.get(url, **headers)
    html = response.content.decode()
    return (
        html.split('<aside class="breaking"', 1)[1].split("</aside>", 1)[0]
        if ('<aside class="breaking"' in html)
        else ""
    )


class BreakingBannerTests:
    def test_every_page_of_the_edition_carries_it_until_it_expires(self, client):
        story = ArticleFactory(title="Quake hits the capital")
        other = ArticleFactory(title="Quiet news")
        story.breaking_until = timezone.now() + dt.timedelta(hours=2)
        services.article_save(story)
        for url in ("/", other.get_absolute_url(), "/search/?q=news"):
            assert "Quake hits the capital" in banner(client, url)
        assert banner(client, "/ru/") == ""
        later = timezone.now() + dt.timedelta(hours=3)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert banner(client, "/") == ""
            assert banner(client, other.get_absolute_url()) == ""

    def test_flagging_shows_on_a_page_already_cached_and_revalidated(self, client):
        story = ArticleFactory(title="Quake hits the capital")
        etag = revalidate(client, "/")
        story.breaking_until = timezone.now() + dt.timedelta(hours=2)
        services.article_save(story)
        response = client.get("/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert "Quake hits the capital" in banner(client, "/")

    def test_a_kept_etag_ends_with_the_banner(self, client):
        ArticleFactory(
            title="Quake hits the capital", breaking_until=timezone.now() + dt.timedelta(minutes=5)
        )
        etag = revalidate(client, "/")
        later = timezone.now() + dt.timedelta(minutes=6)
        with mock.patch("django.utils.timezone.now", return_value=later):
            response = client.get("/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert (
            "breaking" not in response.content.decode().split("<main", 1)[0].split("</header>")[-1]
        )

    def test_unpublishing_takes_it_down(self, client):
        story = ArticleFactory(
            title="Quake hits the capital", breaking_until=timezone.now() + dt.timedelta(hours=1)
        )
        assert banner(client)
        services.article_unpublish(story)
        assert banner(client) == ""

    def test_a_scheduled_breaking_story_shows_at_its_time(self, client):
        at = timezone.now() + dt.timedelta(minutes=10)
        ArticleFactory(
            title="Embargoed quake report",
            status=Article.Status.SCHEDULED,
            published_at=at,
            breaking_until=at + dt.timedelta(hours=1),
        )
        assert banner(client) == ""
        with mock.patch("django.utils.timezone.now", return_value=at + dt.timedelta(seconds=1)):
            assert "Embargoed quake report" in banner(client)

    def test_a_title_is_escaped(self, client):
        ArticleFactory(
            title="<script>x</script>", breaking_until=timezone.now() + dt.timedelta(hours=1)
        )
        assert "&lt;script&gt;" in banner(client)
