# ruff: noqa: RUF001, RUF002, RUF003 - Russian text is what these tests are about
"""The Russian interface: every reader page type rendered in Russian shows no English string.

The list of English strings is the catalogue itself: every msgid of
``dastan/locale/ru/LC_MESSAGES/django.po`` (kept up to date by ``make messages`` and
checked against the sources in ``test_locale_build``) must not appear in a Russian page's
visible text, unless its translation keeps it (a brand name such as ExchangeRate-API).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation

from dastan.rates.models import RateObservation
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.po"
# Attributes a reader hears or sees: labels, tooltips, placeholders, alternative text.
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "content", "value"}
# Head values a crawler reads as codes, not words: og:type "article", twitter:card "summary".
MACHINE_META = {"og:type", "og:locale", "og:locale:alternate", "twitter:card", "robots"}
ENGLISH_MONTHS = [dt.date(2025, m, 1).strftime("%B") for m in range(1, 13)]


class VisibleText(HTMLParser):
    """Collect the text and the read-aloud attributes of a page, without markup or addresses.

    A script's content (JSON-LD structured data) is data for crawlers, not text a reader sees.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.in_script = True
        named = dict(attrs)
        for name, value in attrs:
            if name not in READ_ATTRIBUTES or not value:
                continue
            # A <data value> or a hidden input carries a machine value, not words.
            if name == "value" and (tag == "data" or named.get("type") not in {"submit"}):
                continue
            if tag == "meta" and (named.get("property") or named.get("name")) in MACHINE_META:
                continue
            self.parts.append(value)

    def handle_data(self, data: str) -> None:
        if not self.in_script:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_fragments() -> list[str]:
    """Return the English words of every catalogue entry, split at placeholders and markup."""
    fragments = set()
    for entry in polib.pofile(str(CATALOGUE)):
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            text = msgid.replace("&ldquo;", "\n").replace("&rdquo;", "\n").replace("&amp;", "&")
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>|\n", text):
                piece = piece.strip(" .,:;()“”\"'-=")
                if not re.search(r"[A-Za-z]{2}", piece):
                    continue
                if any(piece in kept for kept in translations):
                    continue
                fragments.add(piece)
    return sorted(fragments)


def untranslated(html: str) -> list[str]:
    text = visible_text(html)
    return [
        fragment
        for fragment in [*english_fragments(), *ENGLISH_MONTHS]
        if re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", text)
    ]


@pytest.fixture
def russian_edition():
    """A Russian newsroom's week: enough articles for a pager, a correction, tags, places, rates."""
    section = SectionFactory(name="Экономика", slug="economy", in_navigation=True)
    tag = TagFactory(name="выборы", slug="elections")
    place = PlaceFactory(name="Алматы", slug="almaty")
    author = AuthorFactory(name="Айгуль Сапарова", slug="aigul-saparova")
    second = AuthorFactory(name="Ерлан Ахметов", slug="erlan-akhmetov")
    published = timezone.make_aware(dt.datetime(2025, 4, 3, 10, 30))
    articles = [
        ArticleFactory(
            title=f"Выборы в маслихат: итоги дня {n}",
            slug=f"vybory-{n}",
            body=f"<p>Избирательная комиссия подвела итоги дня {n}.</p><p>Явка выросла.</p>",
            language="ru",
            section=section,
            published_at=published - dt.timedelta(hours=n),
            authors=[author, second] if n == 0 else [author],
            tags=[tag],
            places=[place],
        )
        for n in range(8)
    ]
    lead = articles[0]
    lead.revised_at = published + dt.timedelta(hours=2)
    lead.revision_note = "Добавлены данные о явке."
    lead.save()
    CorrectionFactory(article=lead, text="В первой версии была неверно указана дата.")
    today = timezone.localdate()
    for days_ago, rate in ((1, "481.54"), (0, "478.77")):
        RateObservation.objects.create(
            currency="USD",
            quote="KZT",
            rate=Decimal(rate),
            nominal=1,
            rate_date=today - dt.timedelta(days=days_ago),
            source="nbk",
            fetched_at=timezone.now(),
        )
    RateObservation.objects.create(
        currency="USD",
        quote="UZS",
        rate=Decimal("12905.32"),
        nominal=1,
        rate_date=today - dt.timedelta(days=30),
        source="cbu",
        fetched_at=timezone.now(),
    )
    return lead


def reader_pages(lead) -> dict[str, str]:
    """Return every reader page type's Russian address (``/ru/...`` once editions route it)."""
    with translation.override("ru"):
        search = reverse("search:search")
        return {
            "home": reverse("web:home"),
            "article": lead.get_absolute_url(),
            "section": lead.section.get_absolute_url(),
            "section, page 2": lead.section.get_absolute_url() + "?page=2",
            "tag": lead.tags.get().get_absolute_url(),
            "place": lead.places.get().get_absolute_url(),
            "author": lead.bylines.first().author.get_absolute_url(),
            "year": reverse("web:year_archive", args=[2025]),
            "month": reverse("web:month_archive", args=[2025, 4]),
            "day": reverse("web:day_archive", args=[2025, 4, 3]),
            "corrections": reverse("web:corrections"),
            "markets": reverse("rates:markets"),
            "search": search + "?q=выборы&lang=ru",
            "search, sorted by date": search + "?q=выборы&lang=ru&sort=date",
            "search, no results": search + "?q=ничегонет&lang=ru",
            "search, no results with a filter": search + "?q=ничегонет&lang=ru&section=economy",
            "search, past the end": search + "?q=выборы&lang=ru&page=40",
            "search, empty": search,
            "not found": reverse("web:home") + "no-such-page/",
        }


def get_russian(client, path: str):
    """Ask for ``path`` as a Russian reader does, under the Russian interface."""
    with translation.override("ru"):
        return client.get(path, headers={"accept-language": "ru"})


class RussianPagesTests:
    def test_every_reader_page_is_entirely_russian(self, client, russian_edition):
        """No catalogue string and no English month is left in any Russian page's text."""
        for name, path in reader_pages(russian_edition).items():
            response = get_russian(client, path)
            assert response.status_code in {200, 404}, (name, path)
            html = response.content.decode()
            assert '<html lang="ru">' in html, name
            assert untranslated(html) == [], (name, path)

    def test_the_server_error_page_is_russian(self):
        """The 500 page, rendered without a database, speaks the active language."""
        with translation.override("ru"):
            html = loader.get_template("pages/500.html").render()
        assert '<html lang="ru">' in html and "Что-то пошло не так" in html
        assert untranslated(html) == []

    def test_dates_and_counts_read_naturally(self, client, russian_edition):
        """Genitive day dates, nominative month headings, Russian plurals and result counts."""
        pages = reader_pages(russian_edition)
        article = get_russian(client, pages["article"]).content.decode()
        assert "03 апреля 2025, 10:30" in article
        assert "1 минута чтения" in article
        assert "Текст:" in article and "Айгуль Сапарова</a> и <a" in article
        assert "Исправления и обновления" in article and "Обновлено" in article
        month = get_russian(client, pages["month"]).content.decode()
        assert "<h1>Апрель 2025</h1>" in month
        day = get_russian(client, pages["day"]).content.decode()
        assert "<h1>03 апреля 2025</h1>" in day
        section = get_russian(client, pages["section"]).content.decode()
        assert "Показаны результаты 1–6 из 8" in section
        assert "Страница 1 из 2" in section and "Более ранние" in section

    def test_ticker_and_markets_use_the_decimal_comma(self, client, russian_edition):
        """Rates read "0,002089" and "+0,58%" in Russian, with the screen-reader text in Russian."""
        html = get_russian(client, reader_pages(russian_edition)["markets"]).content.decode()
        assert "0,002089" in html and "+0,58%" in html
        assert '<span class="rates-sr">рост</span> +0,58%' in html
        assert "1 USD = 12\xa0905,32 UZS" in html
        assert "Национальный банк Казахстана, курс на" in html
        # Machines still read a decimal point.
        assert '<data class="rates-ticker__value" value="0.002089">' in html

    def test_every_catalogue_string_is_checked(self):
        """The list of English strings is not empty and holds the page furniture."""
        fragments = english_fragments()
        assert {"Skip to content", "Viewing results", "Older", "Markets"} <= set(fragments)
        assert "ExchangeRate-API" not in fragments


class ContentLanguageTests:
    def test_an_english_card_on_a_russian_page_marks_its_own_content(self, client, russian_edition):
        """Search in every language from the Russian edition: the page is lang="ru" and the
        English card carries lang="en"; its byline and date stay in the page's language."""
        ArticleFactory(title="Tenge firms", slug="tenge-firms", language="en", body="Tenge.")
        html = get_russian(client, "/ru/search/?q=tenge&lang=all").content.decode()
        assert '<html lang="ru">' in html
        assert '<article class="card" lang="en">' in html
        assert "Tenge firms" in html

    def test_an_article_in_the_interface_language_adds_no_lang(self, client, russian_edition):
        html = get_russian(client, russian_edition.get_absolute_url()).content.decode()
        assert "<h1>Выборы в маслихат: итоги дня 0</h1>" in html
        assert 'lang="ru"' not in html.split("<html", 1)[1].split(">", 1)[1]

    def test_a_video_is_labelled_in_its_article_language(self, client, russian_edition):
        """The player's label is part of the body: Russian in a Russian article on any edition."""
        body = "<p>Смотрите запись.</p>\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n"
        russian = ArticleFactory(title="Запись эфира", slug="zapis", language="ru", body=body)
        english = ArticleFactory(title="The broadcast", slug="broadcast", language="en", body=body)
        with translation.override("en"):
            html = client.get(russian.get_absolute_url()).content.decode()
        assert 'title="Видео на YouTube"' in html
        html = client.get(english.get_absolute_url()).content.decode()
        assert 'title="YouTube video"' in html
