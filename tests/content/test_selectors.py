"""Cards read as plain rows: the same article as the model shows it, without building one."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from dastan.content import selectors
from dastan.content.models import Article, ArticleAuthor, Correction, Section
from dastan.content.selectors import Card, CardImage, CardSection, article_relations, cards_get
from dastan.content.slugs import SlugAddresses
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
    library_image,
)

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
            section=CardSection(section.name, section.names, section.slug, section.pk),
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


class ArticleRelationsTests:
    """An article page's bylines, tags, places and corrections, read as rows in one query."""

    def test_each_relation_comes_in_the_order_the_page_shows_it(self, django_assert_num_queries):
        aida, bek, zed = (AuthorFactory(name=n) for n in ("Aida", "Bek", "Zed"))
        tags = [TagFactory(name=n, names={"ru": n.upper()}) for n in ("zebra", "Apple", "mango")]
        places = [PlaceFactory(name=n) for n in ("Osh", "Almaty")]
        item = ArticleFactory(authors=[zed, aida, bek], tags=tags, places=places)
        now = timezone.now()
        for days, kind in ((3, "update"), (1, "correction"), (2, "clarification")):
            note = CorrectionFactory(article=item, kind=kind, text=f"{kind} text")
            Correction.objects.filter(pk=note.pk).update(created_at=now - dt.timedelta(days=days))
        with django_assert_num_queries(1):
            relations = article_relations(item.pk)
        assert relations.bylines == (("Zed", zed.slug), ("Aida", aida.slug), ("Bek", bek.slug))
        by_name = sorted(tags, key=lambda t: t.name)
        assert [t.slug for t in relations.tags] == [t.slug for t in by_name]
        assert [t.get_absolute_url() for t in relations.tags] == [
            t.get_absolute_url() for t in by_name
        ]
        with translation.override("ru"):
            assert [t.local_name for t in relations.tags] == [t.local_name for t in by_name]
        assert [p.get_absolute_url() for p in relations.places] == ["/place/almaty/", "/place/osh/"]
        assert [c.kind for c in relations.corrections] == ["correction", "clarification", "update"]
        first = relations.corrections[0]
        assert first.get_kind_display() == "Correction"
        assert first.created_at == Correction.objects.get(kind="correction").created_at
        with translation.override("ru"):
            assert first.get_kind_display() == Correction(kind="correction").get_kind_display()

    def test_an_article_without_relations_has_none(self):
        item = ArticleFactory()
        ArticleAuthor.objects.filter(article=item).delete()
        other = ArticleFactory(tags=[TagFactory()])
        CorrectionFactory(article=other)
        relations = article_relations(item.pk)
        assert relations.bylines == relations.tags == relations.places == ()
        assert relations.corrections == ()


class PerPageReadsTests:
    """The reads every cold reader page makes give what the querysets gave."""

    def test_the_navigation_is_the_sections_in_their_order(self, django_assert_num_queries):
        SectionFactory(name="Sport", in_navigation=True, position=2)
        SectionFactory(name="Economy", in_navigation=True, position=1, names={"ru": "Экономика"})
        SectionFactory(name="Hidden", in_navigation=False)
        with django_assert_num_queries(1):
            rows = selectors.navigation_sections()
        models = Section.objects.filter(in_navigation=True)
        assert [(s.pk, s.name_in("ru"), s.get_absolute_url()) for s in rows] == [
            (s.pk, s.name_in("ru"), s.get_absolute_url()) for s in models
        ]
        assert [s.name for s in rows] == ["Economy", "Sport"]

    def test_next_scheduled_at_is_the_nearest_future_scheduled_time(self):
        now = timezone.now()
        assert selectors.next_scheduled_at() is None
        for minutes in (30, 10):
            ArticleFactory(
                status=Article.Status.SCHEDULED, published_at=now + dt.timedelta(minutes=minutes)
            )
        ArticleFactory(published_at=now + dt.timedelta(minutes=5))
        assert (
            selectors.next_scheduled_at()
            == Article.objects.get(
                published_at__gt=now + dt.timedelta(minutes=9),
                published_at__lt=now + dt.timedelta(minutes=11),
            ).published_at
        )

    def test_breaking_stories_are_the_editions_flagged_ones_newest_first(self):
        now = timezone.now()
        until = now + dt.timedelta(hours=1)
        old = ArticleFactory(breaking_until=until, published_at=now - dt.timedelta(hours=2))
        new = ArticleFactory(breaking_until=until, published_at=now - dt.timedelta(hours=1))
        ArticleFactory(breaking_until=now - dt.timedelta(minutes=1))
        ArticleFactory(breaking_until=until, language="ru")
        ArticleFactory(breaking_until=until, status=Article.Status.DRAFT, published_at=None)
        stories = selectors.articles_breaking(edition="en")
        assert [s.pk for s in stories] == [new.pk, old.pk]
        assert stories[0].get_absolute_url() == new.get_absolute_url()
        assert stories[0].breaking_until == Article.objects.get(pk=new.pk).breaking_until
