import pytest

from dastan.content import services
from dastan.content.models import Article
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import ArticleFactory
from tests.factories import staff_user as staff

pytestmark = pytest.mark.django_db


def writers_draft(writer) -> Article:
    return ArticleFactory(status="draft", published_at=None, created_by=writer)


class ArticleSubmitForReviewTests:
    def test_a_writer_submits_their_draft(self):
        writer = staff("w", WRITER)
        article = services.article_submit_for_review(writers_draft(writer), user=writer)
        assert Article.objects.get(pk=article.pk).status == "review"

    def test_an_article_under_review_is_not_public_and_the_writer_cannot_edit_it(self):
        writer = staff("w", WRITER)
        article = services.article_submit_for_review(writers_draft(writer), user=writer)
        assert not Article.objects.public().filter(pk=article.pk).exists()
        assert not services.can_edit(writer, article)

    def test_a_writer_cannot_submit_someone_elses_draft(self):
        article = writers_draft(staff("owner", WRITER))
        with pytest.raises(services.PermissionDenied):
            services.article_submit_for_review(article, user=staff("other", WRITER))

    def test_a_published_article_cannot_be_submitted(self):
        with pytest.raises(ValueError, match="draft or an unpublished"):
            services.article_submit_for_review(ArticleFactory(), user=staff("ed", EDITOR))

    def test_submitting_clears_the_editors_last_note(self):
        writer = staff("w", WRITER)
        article = writers_draft(writer)
        article.review_note = "Source the second quote."
        services.article_submit_for_review(article, user=writer)
        assert Article.objects.get(pk=article.pk).review_note == ""


class ArticleSendBackTests:
    def test_an_editor_sends_back_with_a_note_the_writer_keeps(self):
        writer, editor = staff("w", WRITER), staff("ed", EDITOR)
        article = services.article_submit_for_review(writers_draft(writer), user=writer)
        services.article_send_back(article, note="Source the quote.", user=editor)
        stored = Article.objects.get(pk=article.pk)
        assert (stored.status, stored.review_note) == ("draft", "Source the quote.")
        assert services.can_edit(writer, stored)

    def test_a_writer_cannot_send_back(self):
        writer = staff("w", WRITER)
        article = services.article_submit_for_review(writers_draft(writer), user=writer)
        with pytest.raises(services.PermissionDenied):
            services.article_send_back(article, note="x", user=writer)

    def test_a_note_is_required(self):
        writer = staff("w", WRITER)
        article = services.article_submit_for_review(writers_draft(writer), user=writer)
        with pytest.raises(ValueError, match="Say what to change"):
            services.article_send_back(article, note="  ", user=staff("ed", EDITOR))

    def test_an_editor_publishes_from_review(self):
        writer, editor = staff("w", WRITER), staff("ed", EDITOR)
        article = services.article_submit_for_review(writers_draft(writer), user=writer)
        services.article_publish(article, user=editor)
        assert Article.objects.public().filter(pk=article.pk).exists()
