import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


class CachedListingTests:
    def test_cached_home_shows_a_new_article_at_once(self, client):
        """Publishing bumps the content version, so the cached home page is not served."""
        ArticleFactory(title="First story")
        assert "First story" in client.get("/").content.decode()
        draft = ArticleFactory(title="Breaking story", status="draft", published_at=None)
        assert "Breaking story" not in client.get("/").content.decode()
        services.article_publish(draft)
        assert "Breaking story" in client.get("/").content.decode()

    def test_edit_and_unpublish_reach_cached_section_pages(self, client):
        section = SectionFactory(name="Energy", slug="energy")
        article = ArticleFactory(title="Old headline", body="<p>Text.</p>", section=section)
        assert "Old headline" in client.get("/section/energy/").content.decode()
        article.title = "New headline"
        services.article_save(article)
        html = client.get("/section/energy/").content.decode()
        assert "New headline" in html and "Old headline" not in html
        services.article_unpublish(article)
        assert "New headline" not in client.get("/section/energy/").content.decode()

    def test_scheduled_article_appears_on_time_on_a_cached_page(self, client):
        """The cached page expires when the next scheduled article goes public."""
        ArticleFactory(title="Already out")
        at = timezone.now() + dt.timedelta(minutes=10)
        ArticleFactory(title="Embargoed story", status=Article.Status.SCHEDULED, published_at=at)
        assert "Embargoed story" not in client.get("/").content.decode()
        later = at + dt.timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert "Embargoed story" in client.get("/").content.decode()


class CachedArticleTests:
    def test_second_view_of_an_article_runs_no_query(self, client, django_assert_num_queries):
        article = ArticleFactory()
        client.get(article.get_absolute_url())
        with django_assert_num_queries(0):
            assert client.get(article.get_absolute_url()).status_code == 200

    def test_unpublished_article_is_404_at_once_despite_the_cache(self, client):
        article = ArticleFactory()
        assert client.get(article.get_absolute_url()).status_code == 200
        services.article_unpublish(article)
        assert client.get(article.get_absolute_url()).status_code == 404
