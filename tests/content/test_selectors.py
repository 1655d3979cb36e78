"""Cards read as plain rows: the same article as the model shows it, without building one."""

import pytest
from django.db.models.signals import post_init
from django.utils import translation

from dastan.content import selectors
from dastan.content.models import Article, ArticleAuthor, Author
from dastan.content.selectors import Card, card_of, cards_get
from dastan.content.slugs import SlugAddresses
from dastan.media.models import Image
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, library_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    """Count the model instances of what a card shows as they are built."""
    made: list[str] = []

    def count(sender, **kwargs) -> None:
        made.append(sender.__name__)

    models = (Article, ArticleAuthor, Author, Image)
    for model in models:
        post_init.connect(count, sender=model)
    yield made
    for model in models:
        post_init.disconnect(count, sender=model)


class HomeCardsTests:
    def test_the_home_builds_no_article_author_or_image_instance(self, built):
        section = SectionFactory(in_navigation=True)
        for _ in range(9):
            ArticleFactory(
                section=section, authors=[AuthorFactory()], featured_image=library_image()
            )
        built.clear()
        home = selectors.home_blocks(edition="en")
        cards = [*home["latest"], *(c for _, items in home["blocks"] for c in items)]
        assert len(cards) == 9 and all(type(card) is Card for card in cards)
        assert built == []


class CardRowTests:
    def test_a_row_card_shows_what_the_model_shows(self):
        one, two = AuthorFactory(name="Aida"), AuthorFactory(name="Bek")
        article = ArticleFactory(
            authors=[two, one], featured_image=library_image(), section=SectionFactory()
        )
        (loaded,) = selectors.article_cards(Article.objects.filter(pk=article.pk))
        assert cards_get([article.pk])[article.pk] == card_of(loaded)
        assert card_of(loaded).bylines == ((two.name, two.slug), (one.name, one.slug))

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
