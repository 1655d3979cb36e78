"""Cards read as plain rows: the same article as the model shows it, without building one."""

import datetime as dt

import pytest
from django.utils import translation

from dastan.content import selectors
from dastan.content.models import Article
from dastan.content.selectors import Card, CardImage, CardSection, cards_get
from dastan.content.slugs import SlugAddresses
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, library_image

pytestmark = pytest.mark.django_db


class HomeCardsTests:
    def test_the_home_builds_no_article_author_or_image_instance(self, models_built):
        section = SectionFactory(in_navigation=True)
        for _ in range(9):
            ArticleFactory(
                section=section, authors=[AuthorFactory()], featured_image=library_image()
            )
        models_built.clear()
        home = selectors.home_blocks(edition="en")
        cards = [*home["latest"], *(c for _, items in home["blocks"] for c in items)]
        assert len(cards) == 9 and all(type(card) is Card for card in cards)
        assert models_built == []

    def test_listings_and_archives_build_no_article_author_or_image_instance(self, models_built):
        section = SectionFactory()
        made = [
            ArticleFactory(
                section=section, authors=[AuthorFactory()], featured_image=library_image()
            )
            for _ in range(4)
        ]
        newest = sorted(made, key=lambda a: (a.published_at, a.pk), reverse=True)
        first = min(a.published_at for a in made)
        last = max(a.published_at for a in made)
        models_built.clear()
        listed = selectors.articles_in_section(section, edition="en")
        between = selectors.articles_between(first, last + dt.timedelta(seconds=1), edition="en")
        assert [c.pk for c in listed[0:10]] == [a.pk for a in newest]
        assert [c.pk for c in between[1:3]] == [a.pk for a in newest[1:3]]
        assert (listed.count(), between.count()) == (4, 4)
        assert models_built == []


class CardRowTests:
    def test_a_row_card_shows_what_the_model_shows(self):
        one, two = AuthorFactory(name="Aida"), AuthorFactory(name="Bek")
        article = ArticleFactory(
            authors=[two, one], featured_image=library_image(), section=SectionFactory()
        )
        loaded = Article.objects.get(pk=article.pk)
        section, image = loaded.section, loaded.featured_image
        assert cards_get([article.pk])[article.pk] == Card(
            pk=loaded.pk,
            title=loaded.title,
            slug=loaded.slug,
            teaser=loaded.teaser,
            published_at=loaded.published_at,
            language=loaded.language,
            section=CardSection(section.name, section.names, section.slug),
            image=CardImage(image.sha256, image.width, image.height, image.format, image.alt_text),
            bylines=((two.name, two.slug), (one.name, one.slug)),
        )

    def test_a_card_list_pages_in_its_querys_order(self):
        articles = [ArticleFactory() for _ in range(5)]
        ordered = Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("-pk")
        cards = selectors.CardList(ordered)
        assert cards.count() == 5
        assert [c.pk for c in cards[1:4]] == sorted((a.pk for a in articles), reverse=True)[1:4]
        assert cards[5:10] == []

    def test_cards_come_paired_with_the_other_fields_asked_for(self):
        article = ArticleFactory(standfirst="Why it matters")
        ((card, also),) = selectors.cards_of(Article.objects.filter(pk=article.pk), "standfirst")
        assert card == cards_get([article.pk])[article.pk]
        assert also == ("Why it matters",)

    def test_the_row_cards_address_is_the_models_in_both_editions(self):
        articles = [
            ArticleFactory(language="en"),
            ArticleFactory(language="ru", slug="novosti-dnya"),
            ArticleFactory(language="ru", slug="кириллица"),
        ]
        # A stored slug outside the rule: the address is its day's listing.
        Article.objects.filter(pk=articles[0].pk).update(slug="bad slug?")
        articles[0].refresh_from_db()
        cards = cards_get([a.pk for a in articles])
        for language in ("en", "ru"):
            with translation.override(language):
                addresses = SlugAddresses()
                for article in articles:
                    expected = article.get_absolute_url()
                    assert cards[article.pk].get_absolute_url() == expected
                    assert cards[article.pk].get_absolute_url(addresses) == expected
        assert cards[articles[1].pk].get_absolute_url().startswith("/ru/")
