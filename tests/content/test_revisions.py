import pytest

from dastan.content import services
from dastan.content.models import Article, ArticleVersion
from dastan.content.revisions import article_version_create, versions_list
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.factories import staff_user as staff

pytestmark = pytest.mark.django_db


def draft(**kwargs) -> Article:
    return Article(title="Budget passes", slug="budget-passes", body="<p>One.</p>", **kwargs)


class ArticleVersionCreateTests:
    def test_every_service_save_stores_a_version_with_its_author(self):
        editor = staff("ed", EDITOR)
        article = services.article_save(draft(), user=editor)
        article.body = "<p>Two.</p>"
        services.article_save(article, user=editor)
        versions = list(ArticleVersion.objects.filter(article=article).order_by("number"))
        assert [(v.number, v.body, v.author) for v in versions] == [
            (1, "<p>One.</p>", editor),
            (2, "<p>Two.</p>", editor),
        ]

    def test_a_save_that_changes_nothing_stores_nothing(self):
        article = services.article_save(draft())
        services.article_save(article)
        assert ArticleVersion.objects.filter(article=article).count() == 1

    def test_publishing_stores_the_new_status_in_the_metadata(self):
        editor = staff("ed", EDITOR)
        article = services.article_save(draft())
        services.article_publish(article, user=editor)
        latest = ArticleVersion.objects.filter(article=article).order_by("-number").first()
        assert latest.metadata["status"] == "published"
        assert latest.author == editor

    def test_metadata_names_the_filing_and_bylines(self):
        tag = TagFactory(name="Budget")
        author = AuthorFactory(name="Aigerim")
        article = ArticleFactory(tags=[tag], authors=[author])
        version = article_version_create(article)
        assert version.metadata["tags"] == [{"id": tag.pk, "name": "Budget"}]
        assert version.metadata["authors"] == [{"id": author.pk, "name": "Aigerim"}]
        assert version.metadata["section"]["name"] == article.section.name

    def test_an_article_saved_before_revisions_keeps_its_old_text_as_version_one(self):
        """The first desk save of an imported article stores what was there before it."""
        article = ArticleFactory(body="<p>Imported.</p>")
        article.body = "<p>Edited.</p>"
        services.article_save(article)
        versions = list(ArticleVersion.objects.filter(article=article).order_by("number"))
        assert [(v.number, v.body, v.author) for v in versions] == [
            (1, "<p>Imported.</p>", None),
            (2, "<p>Edited.</p>", None),
        ]

    def test_the_listing_leaves_the_text_out(self):
        article = services.article_save(draft())
        listed = versions_list(article).first()
        assert "body" in listed.get_deferred_fields()


class ArticleVersionRestoreTests:
    def test_restore_brings_back_text_and_filing_as_a_new_version(self):
        editor = staff("ed", EDITOR)
        old_section, new_section = SectionFactory(), SectionFactory()
        tag = TagFactory()
        article = ArticleFactory(title="First", section=old_section, tags=[tag])
        services.article_save(article, user=editor)
        article.title, article.section = "Second", new_section
        services.article_save(article, user=editor)
        article.tags.clear()
        first = ArticleVersion.objects.get(article=article, number=1)

        services.article_version_restore(article, first, user=editor)

        article.refresh_from_db()
        assert article.title == "First"
        assert article.section == old_section
        assert list(article.tags.all()) == [tag]
        latest = ArticleVersion.objects.filter(article=article).order_by("-number").first()
        assert (latest.number, latest.title, latest.author) == (3, "First", editor)

    def test_restore_keeps_status_and_time(self):
        """Old words come back; the story is not unpublished by it."""
        editor = staff("ed", EDITOR)
        article = services.article_save(draft())
        services.article_publish(article, user=editor)
        published_at = article.published_at
        first = ArticleVersion.objects.get(article=article, number=1)
        services.article_version_restore(article, first, user=editor)
        article.refresh_from_db()
        assert (article.status, article.published_at) == ("published", published_at)

    def test_a_writer_restores_only_their_own_draft(self):
        writer, other = staff("w", WRITER), staff("o", WRITER)
        article = services.article_save(draft(created_by=writer), user=writer)
        version = ArticleVersion.objects.get(article=article)
        services.article_version_restore(article, version, user=writer)
        with pytest.raises(services.PermissionDenied):
            services.article_version_restore(article, version, user=other)

    def test_a_version_of_another_article_is_refused(self):
        editor = staff("ed", EDITOR)
        one = services.article_save(draft())
        two = services.article_save(Article(title="Other", slug="other"))
        with pytest.raises(ValueError, match="another article"):
            services.article_version_restore(
                one, ArticleVersion.objects.get(article=two), user=editor
            )
