import pytest
from django.urls import reverse

from dastan.content import services
from dastan.content.models import Article, ArticleVersion
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import TagFactory
from tests.factories import staff_user as staff
from tests.newsroom.test_admin import article_form

pytestmark = pytest.mark.django_db


def versions_url(article: Article) -> str:
    return reverse("admin:content_article_versions", args=[article.pk])


def restore_url(article: Article, number: int) -> str:
    return reverse("admin:content_article_version_restore", args=[article.pk, number])


def two_versions(user) -> Article:
    article = services.article_save(
        Article(title="Budget passes", slug="budget-passes", body="<p>It passed.</p>"), user=user
    )
    article.body = "<p>It failed.</p>"
    return services.article_save(article, user=user)


class AdminSaveTests:
    def test_one_form_save_stores_one_version_with_its_tags(self, client):
        editor = staff("ed", EDITOR)
        tag = TagFactory(name="Budget")
        client.force_login(editor)
        response = client.post("/admin/content/article/add/", article_form(tags=[tag.pk]))
        assert response.status_code == 302
        [version] = ArticleVersion.objects.all()
        assert version.author == editor
        assert version.metadata["tags"] == [{"id": tag.pk, "name": "Budget"}]


class ChangePageTests:
    def test_lists_versions_with_author_and_a_link_to_the_changes(self, client):
        editor = staff("ed", EDITOR)
        article = two_versions(editor)
        client.force_login(editor)
        page = client.get(reverse("admin:content_article_change", args=[article.pk]))
        html = page.content.decode()
        assert 'id="versions"' in html
        assert f"{versions_url(article)}?old=1&amp;new=2" in html
        assert ">ed<" in html


class VersionsPageTests:
    def test_shows_the_diff_between_two_versions_escaped(self, client):
        editor = staff("ed", EDITOR)
        article = two_versions(editor)
        client.force_login(editor)
        html = client.get(versions_url(article), {"old": 1, "new": 2}).content.decode()
        assert "<del>passed.</del>&lt;/p&gt;" in html
        assert "<ins>failed.</ins>&lt;/p&gt;" in html

    @pytest.mark.parametrize("query", [{"old": "x", "new": "1"}, {"old": "99", "new": "1"}])
    def test_a_bad_version_number_is_a_form_error_not_a_500(self, client, query):
        editor = staff("ed", EDITOR)
        article = two_versions(editor)
        client.force_login(editor)
        response = client.get(versions_url(article), query)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()

    def test_a_writer_cannot_see_another_writers_draft_versions(self, client):
        owner = staff("owner", WRITER)
        article = two_versions(owner)
        Article.objects.filter(pk=article.pk).update(created_by=owner)
        client.force_login(staff("other", WRITER))
        assert client.get(versions_url(article)).status_code == 404


class RestoreTests:
    def test_an_editor_restores_a_version_as_a_new_one(self, client):
        editor = staff("ed", EDITOR)
        article = two_versions(editor)
        client.force_login(editor)
        response = client.post(restore_url(article, 1))
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.body == "<p>It passed.</p>"
        assert ArticleVersion.objects.filter(article=article).count() == 3

    def test_a_get_restores_nothing(self, client):
        editor = staff("ed", EDITOR)
        article = two_versions(editor)
        client.force_login(editor)
        assert client.get(restore_url(article, 1)).status_code == 302
        article.refresh_from_db()
        assert article.body == "<p>It failed.</p>"

    def test_a_writer_cannot_restore_a_published_article(self, client):
        writer = staff("w", WRITER)
        article = two_versions(writer)
        Article.objects.filter(pk=article.pk).update(created_by=writer)
        services.article_publish(article, user=staff("ed", EDITOR))
        client.force_login(writer)
        assert client.post(restore_url(article, 1)).status_code == 403
        article.refresh_from_db()
        assert article.body == "<p>It failed.</p>"

    def test_an_unknown_version_is_a_404(self, client):
        editor = staff("ed", EDITOR)
        article = two_versions(editor)
        client.force_login(editor)
        assert client.post(restore_url(article, 99)).status_code == 404
