"""Versions per thing: a write expires the keys of the pages that show it, and no others."""

from __future__ import annotations

import pytest
from django.db import transaction

from dastan.content import services, versioning
from dastan.content.models import Article, local_date
from dastan.content.services import ArticleRecord, articles_upsert
from dastan.content.signals import content_expired
from dastan.content.versioning import (
    SITE,
    version_is_bump,
    versions_bump,
    versions_get,
)
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def expired():
    """Collect the keys each committed transaction announces, one list per announcement."""
    sent: list[list[str]] = []

    def receive(sender, keys, **kwargs):
        sent.append(keys)

    content_expired.connect(receive, dispatch_uid="test-expired")
    yield sent
    content_expired.disconnect(dispatch_uid="test-expired")


def keys_of(sent: list[list[str]]) -> set[str]:
    return {key for keys in sent for key in keys}


class VersionTests:
    def test_a_missing_version_is_created_once_and_is_not_a_bump(self):
        first = versions_get(["article-1"])
        assert versions_get(["article-1"]) == first
        assert not version_is_bump(first[0])

    def test_a_bump_moves_only_its_keys(self):
        before = versions_get(["article-1", "article-2"])
        versions_bump(["article-1"])
        after = versions_get(["article-1", "article-2"])
        assert after[0] != before[0] and version_is_bump(after[0])
        assert after[1] == before[1]

    def test_a_transaction_announces_its_keys_once_after_commit(self, expired):
        with transaction.atomic():
            versions_bump(["article-1"])
            versions_bump(["article-2"])
            assert expired == []
        assert expired == [["article-1", "article-2"]]

    def test_a_rolled_back_write_announces_nothing(self, expired):
        with pytest.raises(RuntimeError), transaction.atomic():
            versions_bump(["article-1"])
            raise RuntimeError
        assert expired == []


class ArticleChangeTests:
    def test_a_publish_expires_its_page_listings_home_and_feeds_only(self, expired):
        economy, sport = SectionFactory(), SectionFactory()
        tag, author = TagFactory(), AuthorFactory()
        country = PlaceFactory()
        city = PlaceFactory(country=country)
        draft = ArticleFactory(status="draft", published_at=None, section=economy)
        draft.tags.add(tag)
        draft.places.add(city)
        draft.bylines.create(author=author, position=0)
        expired.clear()
        services.article_publish(Article.objects.get(pk=draft.pk))
        day = local_date(Article.objects.get(pk=draft.pk).published_at)
        keys = keys_of(expired)
        assert len(expired) == 1
        assert {
            f"article-{draft.pk}",
            f"section-{economy.pk}",
            f"tag-{tag.pk}",
            f"place-{city.pk}",
            f"place-{country.pk}",
            f"author-{author.pk}",
            "home-en",
            f"archive-en-{day:%Y}",
            f"archive-en-{day:%Y-%m}",
            f"archive-en-{day:%Y-%m-%d}",
            "feed-en",
            "search-en",
        } <= keys
        assert f"section-{sport.pk}" not in keys
        assert not {SITE, "home-ru", "edition-en"} & keys

    def test_a_move_to_another_section_expires_both(self, expired):
        old, new = SectionFactory(), SectionFactory()
        article = Article.objects.get(pk=ArticleFactory(section=old).pk)
        expired.clear()
        article.section = new
        services.article_save(article)
        assert {f"section-{old.pk}", f"section-{new.pk}"} <= keys_of(expired)

    def test_an_edit_expires_only_its_edition(self, expired):
        article = ArticleFactory(language="ru")
        expired.clear()
        article.title = "Новый заголовок"
        services.article_save(article)
        keys = keys_of(expired)
        assert "home-ru" in keys and "home-en" not in keys

    def test_an_edit_expires_the_pages_of_its_translations(self, expired):
        en, ru = ArticleFactory(language="en"), ArticleFactory(language="ru")
        services.translations_link([en, ru])
        expired.clear()
        services.article_unpublish(Article.objects.get(pk=ru.pk))
        assert {f"article-{en.pk}", f"article-{ru.pk}", "home-ru"} <= keys_of(expired)

    def test_moving_to_another_edition_expires_both(self, expired):
        article = Article.objects.get(pk=ArticleFactory(language="en").pk)
        expired.clear()
        article.language = "ru"
        services.article_save(article)
        assert {"home-en", "home-ru"} <= keys_of(expired)

    def test_a_bulk_load_that_moves_an_article_expires_the_edition_it_left(self, expired):
        article = ArticleFactory(language="en")
        expired.clear()
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
        assert {"edition-en", "home-ru", f"article-{article.pk}"} <= keys_of(expired)

    def test_tag_links_added_removed_and_cleared_expire_the_tag(self, expired):
        article, tag = ArticleFactory(), TagFactory()
        for change in (
            lambda: article.tags.add(tag),
            lambda: article.tags.remove(tag),
            lambda: (article.tags.add(tag), expired.clear(), article.tags.clear()),
        ):
            expired.clear()
            change()
            assert f"tag-{tag.pk}" in keys_of(expired)

    def test_a_correction_expires_its_page_and_the_corrections_page(self, expired):
        article = ArticleFactory(language="ru")
        expired.clear()
        CorrectionFactory(article=article)
        assert keys_of(expired) == {f"article-{article.pk}", "corrections-ru"}

    def test_deleting_an_article_expires_its_listings(self, expired):
        section = SectionFactory()
        article = ArticleFactory(section=section)
        expired.clear()
        Article.objects.filter(pk=article.pk).delete()
        assert {f"article-{article.pk}", f"section-{section.pk}", "home-en"} <= keys_of(expired)

    def test_a_new_tag_expires_nothing(self, expired):
        TagFactory()
        assert expired == []

    def test_a_renamed_section_expires_every_page(self, expired):
        section = SectionFactory()
        expired.clear()
        section.names = {"ru": "Экономика"}
        section.save()
        assert keys_of(expired) == {SITE}

    def test_a_large_bulk_load_expires_the_editions_it_touches_whole(self, expired):
        """Past BULK_ARTICLES, a batch bumps its editions, not a key per article, tag and day."""
        original = ArticleFactory(language="ru")
        translated = ArticleFactory(language="en")
        services.translations_link([original, translated])
        expired.clear()
        records = [
            ArticleRecord(
                slug=f"bulk-{i}",
                title=f"Bulk {i}",
                body="<p>Text.</p>",
                published_at=original.published_at,
                language="en",
                tags=[f"tag {i}"],
            )
            for i in range(versioning.BULK_ARTICLES)
        ]
        records.append(
            ArticleRecord(
                slug=translated.slug,
                title="Retitled",
                fields=frozenset({"title"}),
                links=frozenset(),
            )
        )
        articles_upsert(records)
        assert keys_of(expired) == {"edition-en", "edition-ru"}
        before = versions_get(["edition-en", "edition-ru", "edition-kk"])
        assert [version_is_bump(v) for v in before] == [True, True, False]
