import pytest
from django.urls import reverse

from dastan.content import services
from dastan.content.models import Article
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import staff_user as staff
from tests.newsroom.test_admin import article_form

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:content_article_change", args=[article.pk])


def submitted(writer) -> Article:
    article = services.article_save(
        Article(title="Budget passes", slug="budget-passes", created_by=writer), user=writer
    )
    return services.article_submit_for_review(article, user=writer)


class SubmitButtonTests:
    def test_a_writer_saves_and_submits_from_the_form(self, client):
        writer = staff("w", WRITER)
        client.force_login(writer)
        client.post("/admin/content/article/add/", article_form())
        article = Article.objects.get(slug="budget-passes")
        html = client.get(change_url(article)).content.decode()
        assert 'name="_submit_review"' in html
        response = client.post(
            change_url(article),
            article_form(_submit_review="1", opened_version=article.lock_version),
        )
        assert response.status_code == 302
        assert Article.objects.get(pk=article.pk).status == "review"

    def test_the_writer_sees_the_editors_note(self, client):
        writer = staff("w", WRITER)
        article = submitted(writer)
        services.article_send_back(article, note="Source the quote.", user=staff("ed", EDITOR))
        client.force_login(writer)
        html = client.get(change_url(article)).content.decode()
        assert 'id="review-note"' in html and "Source the quote." in html


class SendBackButtonTests:
    def test_an_editor_sends_back_with_a_note(self, client):
        article = submitted(staff("w", WRITER))
        client.force_login(staff("ed", EDITOR))
        assert 'name="_send_back"' in client.get(change_url(article)).content.decode()
        response = client.post(
            change_url(article),
            article_form(
                status="review",
                review_note="Source the quote.",
                _send_back="1",
                opened_version=article.lock_version,
            ),
        )
        assert response.status_code == 302
        stored = Article.objects.get(pk=article.pk)
        assert (stored.status, stored.review_note) == ("draft", "Source the quote.")

    def test_sending_back_without_a_note_is_a_form_error(self, client):
        article = submitted(staff("w", WRITER))
        client.force_login(staff("ed", EDITOR))
        response = client.post(
            change_url(article),
            article_form(status="review", _send_back="1", opened_version=article.lock_version),
        )
        assert response.status_code == 200
        assert "Say what to change" in response.content.decode()
        assert Article.objects.get(pk=article.pk).status == "review"


class ReviewQueueTests:
    def test_editors_see_the_queue_on_the_admin_index(self, client):
        article = submitted(staff("w", WRITER))
        client.force_login(staff("ed", EDITOR))
        html = client.get(reverse("admin:index")).content.decode()
        assert 'id="review-queue"' in html
        assert change_url(article) in html

    def test_writers_do_not(self, client):
        submitted(staff("w", WRITER))
        client.force_login(staff("other", WRITER))
        assert 'id="review-queue"' not in client.get(reverse("admin:index")).content.decode()
