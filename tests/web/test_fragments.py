import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from dastan.content import selectors, services
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


class CachePerEditionTests:
    def test_an_edition_has_its_own_cached_pages(self, client):
        """The same path under two prefixes never shares a cached fragment."""
        ArticleFactory(title="English story")
        ArticleFactory(title="Русская история", language="ru")
        assert "Русская история" not in client.get("/").content.decode()
        assert "English story" not in client.get("/ru/").content.decode()

    def test_a_change_in_one_edition_keeps_the_others_cache(self, client):
        """Editing an English article re-renders English listings only."""
        english = ArticleFactory(title="English story")
        ArticleFactory(title="Русская история", language="ru")
        client.get("/")
        client.get("/ru/")
        english.title = "English story, edited"
        with mock.patch(
            "dastan.content.selectors.home_blocks", wraps=selectors.home_blocks
        ) as rendered:
            services.article_save(english)
            assert "English story, edited" in client.get("/").content.decode()
            assert "Русская история" in client.get("/ru/").content.decode()
        assert [c.kwargs["edition"] for c in rendered.call_args_list] == ["en"]

    def test_a_shared_change_reaches_every_edition(self, client):
        section = SectionFactory(name="Energy", slug="energy")
        ArticleFactory(section=section, language="ru")
        assert "Energy" in client.get("/ru/").content.decode()
        section.names = {"ru": "Энергетика"}
        section.save()
        assert "Энергетика" in client.get("/ru/").content.decode()
