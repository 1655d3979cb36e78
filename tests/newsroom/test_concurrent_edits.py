import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article, ArticleVersion
from dastan.content.services import ArticleRecord, articles_upsert
from dastan.newsroom.editing import editing_mark, editing_others
from dastan.newsroom.models import EditingMark
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import ArticleFactory
from tests.factories import staff_user as staff
from tests.newsroom.test_admin import article_form

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:content_article_change", args=[article.pk])


def stored_article(user) -> Article:
    return services.article_save(
        Article(title="Budget passes", slug="budget-passes", body="<p>It passed.</p>"), user=user
    )


class ArticleSaveLockTests:
    def test_every_save_raises_the_lock_version(self):
        article = stored_article(None)
        before = article.lock_version
        services.article_save(article)
        assert Article.objects.get(pk=article.pk).lock_version == before + 1

    def test_a_save_from_an_older_version_is_refused_and_writes_nothing(self):
        article = stored_article(None)
        opened = article.lock_version
        other = Article.objects.get(pk=article.pk)
        other.body = "<p>Theirs.</p>"
        services.article_save(other)
        article.body = "<p>Mine.</p>"
        with pytest.raises(services.ArticleEditConflict):
            services.article_save(article, expected_version=opened)
        assert Article.objects.get(pk=article.pk).body == "<p>Theirs.</p>"

    def test_an_import_update_moves_the_lock_version_on(self):
        article = stored_article(None)
        before = article.lock_version
        articles_upsert([ArticleRecord(title="New title", slug=article.slug, status="draft")])
        assert Article.objects.get(pk=article.pk).lock_version == before + 1


class FormConflictTests:
    def test_a_stale_form_is_refused_with_the_differences(self, client):
        editor = staff("ed", EDITOR)
        article = stored_article(editor)
        opened = article.lock_version
        other = Article.objects.get(pk=article.pk)
        other.body = "<p>Theirs.</p>"
        services.article_save(other, user=staff("other", EDITOR))
        client.force_login(editor)

        response = client.post(
            change_url(article), article_form(body="<p>Mine.</p>", opened_version=opened)
        )

        assert response.status_code == 200
        html = response.content.decode()
        assert "Someone saved this article after you opened it" in html
        assert 'id="conflict"' in html
        assert "Saved by other" in html
        assert "<del>Theirs.</del>" in html and "<ins>Mine.</ins>" in html
        assert Article.objects.get(pk=article.pk).body == "<p>Theirs.</p>"
        # The refused form now carries the stored version: saving again is a choice.
        assert f'name="opened_version" value="{opened + 1}"' in html

    def test_saving_again_after_the_conflict_replaces_the_stored_text(self, client):
        editor = staff("ed", EDITOR)
        article = stored_article(editor)
        other = Article.objects.get(pk=article.pk)
        other.body = "<p>Theirs.</p>"
        services.article_save(other)
        client.force_login(editor)
        current = Article.objects.get(pk=article.pk).lock_version
        response = client.post(
            change_url(article), article_form(body="<p>Mine.</p>", opened_version=current)
        )
        assert response.status_code == 302
        assert Article.objects.get(pk=article.pk).body == "<p>Mine.</p>"

    def test_the_form_carries_the_version_it_was_opened_at(self, client):
        editor = staff("ed", EDITOR)
        article = stored_article(editor)
        client.force_login(editor)
        html = client.get(change_url(article)).content.decode()
        assert f'name="opened_version" value="{article.lock_version}"' in html

    def test_a_successful_save_stores_one_version(self, client):
        editor = staff("ed", EDITOR)
        article = stored_article(editor)
        client.force_login(editor)
        client.post(
            change_url(article),
            article_form(body="<p>Edited.</p>", opened_version=article.lock_version),
        )
        assert ArticleVersion.objects.filter(article=article).count() == 2


class EditingMarkTests:
    def test_opening_the_form_shows_others_who_have_it_open(self, client):
        article = ArticleFactory()
        first, second = staff("first", EDITOR), staff("second", EDITOR)
        client.force_login(first)
        client.get(change_url(article))
        client.force_login(second)
        html = client.get(change_url(article)).content.decode()
        assert "first has had this article open since" in html
        client.force_login(first)
        html = client.get(change_url(article)).content.decode()
        assert "second has had this article open since" in html
        assert "first has had" not in html

    def test_a_mark_past_the_window_no_longer_counts(self, settings):
        settings.DASTAN_NEWSROOM = {"EDITING_WINDOW": 60}
        article = ArticleFactory()
        first, second = staff("first", EDITOR), staff("second", EDITOR)
        editing_mark(article, first)
        assert [m.user for m in editing_others(article, second)] == [first]
        EditingMark.objects.update(seen_at=timezone.now() - dt.timedelta(seconds=61))
        assert list(editing_others(article, second)) == []

    def test_a_heartbeat_keeps_the_opening_time(self):
        article = ArticleFactory()
        user = staff("first", EDITOR)
        opened = editing_mark(article, user).opened_at
        assert editing_mark(article, user).opened_at == opened

    def test_saving_clears_the_mark(self, client):
        editor = staff("ed", EDITOR)
        article = stored_article(editor)
        client.force_login(editor)
        client.get(change_url(article))
        assert EditingMark.objects.filter(user=editor).exists()
        client.post(change_url(article), article_form(opened_version=article.lock_version))
        assert not EditingMark.objects.filter(user=editor).exists()

    def test_the_heartbeat_renews_the_mark_and_needs_a_post(self, client):
        article = ArticleFactory()
        editor = staff("ed", EDITOR)
        client.force_login(editor)
        url = reverse("newsroom:editing_heartbeat", args=[article.pk])
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 204
        assert EditingMark.objects.filter(article=article, user=editor).exists()

    def test_a_writer_cannot_mark_another_writers_draft(self, client):
        owner = staff("owner", WRITER)
        article = ArticleFactory(status="draft", published_at=None, created_by=owner)
        client.force_login(staff("other", WRITER))
        url = reverse("newsroom:editing_heartbeat", args=[article.pk])
        assert client.post(url).status_code == 404


class EditingMarkRightsTests:
    def test_a_writer_reading_a_published_article_is_not_marked(self, client):
        article = ArticleFactory()
        writer = staff("w", WRITER)
        client.force_login(writer)
        assert client.get(change_url(article)).status_code == 200
        assert not EditingMark.objects.filter(user=writer).exists()
        url = reverse("newsroom:editing_heartbeat", args=[article.pk])
        assert client.post(url).status_code == 403
