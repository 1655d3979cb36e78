"""Cards, bylines and pictures drawn in Python: escaped like the templates, same markup."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from dastan.content.models import Article
from dastan.content.selectors import article_relations, cards_get
from dastan.web.markup import Cards, byline_html
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, library_image

pytestmark = pytest.mark.django_db


def card_of(article: Article, **options) -> html.HtmlElement:
    return html.fragment_fromstring(Cards().card(cards_get([article.pk])[article.pk], **options))


class CardTests:
    def test_a_card_links_title_section_and_every_author_in_byline_order(self):
        section = SectionFactory(name="Economy", slug="economy")
        first, second, third = (AuthorFactory(name=n) for n in ("Aida", "Bek", "Dana"))
        article = ArticleFactory(section=section, authors=[first, second, third])
        card = card_of(article)
        assert card.get("class") == "card"
        assert card.xpath("h3/a/@href") == [article.get_absolute_url()]
        assert card.xpath(".//p[@class='card__section']/a/@href") == ["/section/economy/"]
        byline = card.xpath(".//span[@class='byline']")[0]
        assert byline.text_content() == "By Aida, Bek and Dana"
        assert byline.xpath("a/@href") == [a.get_absolute_url() for a in (first, second, third)]

    def test_a_card_without_section_authors_or_teaser_leaves_them_out(self):
        article = ArticleFactory(section=None, teaser="")
        article.bylines.all().delete()
        card = card_of(article)
        left = ".//p[@class='card__section'] | .//span | .//p[@class='card__excerpt']"
        assert not card.xpath(left)
        assert "&middot;" not in html.tostring(card, encoding="unicode")

    def test_stored_markup_in_every_field_is_text_on_the_card(self):
        hostile = '<script>alert("x")</script>&amp;\'"'
        section = SectionFactory(name=hostile)
        article = ArticleFactory(
            title=hostile, teaser=hostile, section=section, authors=[AuthorFactory(name=hostile)]
        )
        card = card_of(article)
        assert not card.xpath(".//script")
        assert card.xpath("h3/a")[0].text_content() == hostile
        assert card.xpath(".//p[@class='card__excerpt']")[0].text_content() == hostile
        assert card.xpath(".//p[@class='card__section']/a")[0].text_content() == hostile

    @settings(max_examples=40, deadline=None)
    @given(title=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80))
    def test_any_title_comes_back_as_the_cards_text(self, title):
        card = card_of(ArticleFactory(title=title))
        assert card.xpath("h3/a")[0].text_content() == title

    def test_a_search_snippet_keeps_its_marks_and_replaces_the_teaser(self):
        article = ArticleFactory(teaser="The teaser")
        snippet = mark_safe("An <mark>oil</mark> price")
        card = card_of(article, listed=True, snippet=snippet)
        assert card.xpath(".//p[@class='card__excerpt']/mark/text()") == ["oil"]
        assert "The teaser" not in card.text_content()

    def test_a_long_teaser_is_clipped_to_the_excerpt_length(self, settings):
        settings.DASTAN_SITE = {"EXCERPT_CHARS": 40}
        card = card_of(ArticleFactory(teaser="word " * 100))
        assert len(card.xpath(".//p[@class='card__excerpt']")[0].text_content()) <= 40

    def test_the_date_is_site_time_with_the_month_as_the_language_writes_it(self):
        when = timezone.make_aware(dt.datetime(2025, 5, 1, 9, 5))
        article = ArticleFactory(published_at=when)
        card = card_of(article)
        assert card.xpath(".//time/@datetime") == [when.isoformat()]
        assert card.xpath(".//time/text()") == ["01 May 2025, 09:05"]
        with translation.override("ru"):
            card = card_of(article)
        assert card.xpath(".//time/text()") == ["01 мая 2025, 09:05"]
        assert card.get("lang") == "en"

    def test_an_article_in_the_pages_language_has_no_lang_attribute(self):
        assert card_of(ArticleFactory()).get("lang") is None

    def test_the_lead_card_draws_a_priority_picture_and_a_list_row_a_thumbnail(self):
        article = ArticleFactory(featured_image=library_image((1920, 1080)))
        lead = card_of(article, featured=True)
        assert lead.get("class") == "card card--lead card--pictured"
        # libxml2 does not know <source> is empty: the <img> lands inside it.
        img = lead.xpath(".//a[@class='card__image']/picture//img")[0]
        assert img.get("fetchpriority") == "high" and img.get("loading") is None
        assert img.get("alt") == "" and img.get("width") and img.get("srcset")
        row = card_of(article, listed=True)
        img = row.xpath(".//picture//img")[0]
        assert img.get("loading") == "lazy" and "9rem" in img.get("sizes")
        assert card_of(article, listed=True, eager=True).xpath(".//img/@loading") == []


class BylineTests:
    def test_one_and_two_authors(self):
        one, two = AuthorFactory(name="Aida"), AuthorFactory(name="Bek")
        article = ArticleFactory(authors=[one, two])
        rows = article_relations(article.pk).bylines
        assert html.fragment_fromstring(byline_html(rows[:1])).text_content() == "By Aida"
        assert html.fragment_fromstring(byline_html(rows)).text_content() == "By Aida and Bek"
        assert byline_html([]) == ""
