"""A revalidated page's next 304 comes from the versions of its keys, without rendering it."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article
from dastan.web.views import pages
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def revalidate(client, url: str) -> str:
    """Fetch ``url``, then revalidate it once (which keeps its ETag); return the ETag."""
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    return etag


class EtagTests:
    @pytest.mark.parametrize("url", ["/", "/section/energy/", "article"])
    def test_a_second_revalidation_renders_nothing(self, client, django_assert_num_queries, url):
        story = ArticleFactory(section=SectionFactory(slug="energy"))
        url = story.get_absolute_url() if url == "article" else url
        etag = revalidate(client, url)
        with (
            mock.patch.object(pages, "render", wraps=pages.render) as rendered,
            django_assert_num_queries(0),
        ):
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert not rendered.called
        assert response["ETag"] == etag
        assert f"article-{story.pk}" in response["Surrogate-Key"]
        assert "public" in response["Cache-Control"]

    def test_an_edit_makes_the_page_render_again(self, client):
        story = ArticleFactory(title="Before")
        url = story.get_absolute_url()
        etag = revalidate(client, url)
        story.title = "After"
        services.article_save(story)
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and "After" in response.content.decode()

    def test_a_scheduled_article_coming_due_makes_the_home_render_again(self, client):
        ArticleFactory(title="Already out")
        at = timezone.now() + dt.timedelta(minutes=10)
        ArticleFactory(title="Embargoed story", status=Article.Status.SCHEDULED, published_at=at)
        etag = revalidate(client, "/")
        with mock.patch("django.utils.timezone.now", return_value=at + dt.timedelta(seconds=1)):
            response = client.get("/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert "Embargoed story" in response.content.decode()

    def test_pages_not_made_of_fragments_always_render(self, client):
        from dastan.search import views

        ArticleFactory()
        etag = revalidate(client, "/search/?q=article")
        with mock.patch.object(views, "render", wraps=views.render) as rendered:
            assert client.get("/search/?q=article", HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert rendered.called

    def test_staff_always_get_the_view(self, client):
        from tests.factories import staff_user

        story = ArticleFactory()
        etag = revalidate(client, story.get_absolute_url())
        client.force_login(staff_user("ed", "Editor"))
        response = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"

    def test_a_page_served_stale_during_a_rebuild_is_not_confirmed_later(self, client):
        """Its ETag names the old page: a later revalidation must not get a 304 for it."""
        from django.core.cache import cache

        story = ArticleFactory(title="Before")
        url = story.get_absolute_url()
        client.get(url)
        story.title = "After"
        services.article_save(story)
        cache.add(f"web:fragment:en:article:{story.slug}:lock", 1)  # a rebuild in progress
        stale = client.get(url, HTTP_IF_NONE_MATCH='"other"')
        assert "Before" in stale.content.decode()
        cache.delete(f"web:fragment:en:article:{story.slug}:lock")
        response = client.get(url, HTTP_IF_NONE_MATCH=stale["ETag"])
        assert response.status_code == 200 and "After" in response.content.decode()
