"""Content versions: a write expires only the editions whose pages show it."""

from __future__ import annotations

import pytest

from dastan.content import services
from dastan.content.models import Article
from dastan.content.services import ArticleRecord, articles_upsert
from dastan.content.versioning import content_version
from tests.factories import ArticleFactory, CorrectionFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db(transaction=True)


def versions() -> dict[str, str]:
    return {code: content_version(code) for code in ("en", "ru")}


def changed(before: dict[str, str]) -> set[str]:
    return {code for code, version in versions().items() if version != before[code]}


class ContentVersionTests:
    def test_an_edit_expires_only_its_edition(self):
        article = ArticleFactory(language="ru")
        before = versions()
        article.title = "Новый заголовок"
        services.article_save(article)
        assert changed(before) == {"ru"}

    def test_a_section_expires_every_edition(self):
        section = SectionFactory()
        before = versions()
        section.names = {"ru": "Экономика"}
        section.save()
        assert changed(before) == {"en", "ru"}

    def test_an_edit_expires_the_editions_of_its_translations(self):
        en, ru = ArticleFactory(language="en"), ArticleFactory(language="ru")
        services.translations_link([en, ru])
        before = versions()
        services.article_unpublish(Article.objects.get(pk=ru.pk))
        assert changed(before) == {"en", "ru"}

    def test_moving_to_another_edition_expires_both(self):
        article = ArticleFactory(language="en")
        article = Article.objects.get(pk=article.pk)
        before = versions()
        article.language = "ru"
        services.article_save(article)
        assert changed(before) == {"en", "ru"}

    def test_a_bulk_load_that_moves_an_article_expires_both(self):
        article = ArticleFactory(language="en")
        before = versions()
        record = ArticleRecord(
            slug=article.slug,
            title=article.title,
            body=article.body,
            status=article.status,
            published_at=article.published_at,
            language="ru",
            fields=frozenset({"language"}),
            links=frozenset(),
        )
        articles_upsert([record])
        assert Article.objects.get(pk=article.pk).language == "ru"
        assert changed(before) == {"en", "ru"}

    def test_links_bylines_and_corrections_expire_their_edition(self):
        article, tag = ArticleFactory(language="ru"), TagFactory()
        before = versions()
        article.tags.add(tag)
        assert changed(before) == {"ru"}
        before = versions()
        CorrectionFactory(article=article)
        assert changed(before) == {"ru"}

    def test_deleting_an_article_expires_its_edition(self):
        article = ArticleFactory(language="ru")
        before = versions()
        Article.objects.filter(pk=article.pk).delete()
        assert changed(before) == {"ru"}
