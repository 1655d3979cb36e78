"""Every reader page exists per edition and keeps to the edition's articles."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dastan.content import services
from dastan.redirects.models import LegacyRedirect
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2025, 4, 3, 9, tzinfo=dt.UTC)


@pytest.fixture
def two_editions():
    """One English and one Russian article sharing a section, tag, place and author."""
    section = SectionFactory(name="Economy", slug="economy", names={"ru": "Экономика"})
    tag = TagFactory(name="Water", slug="water", names={"ru": "Вода"})
    place = PlaceFactory(name="Almaty", slug="almaty", names={"ru": "Алматы"})
    author = AuthorFactory(name="Aigerim Sadykova", slug="aigerim")
    common = {
        "section": section,
        "tags": [tag],
        "places": [place],
        "authors": [author],
        "published_at": WHEN,
    }
    en = ArticleFactory(title="Dam opens", slug="dam-opens", language="en", **common)
    ru = ArticleFactory(title="Плотина открыта", slug="plotina", language="ru", **common)
    CorrectionFactory(article=en, text="English correction")
    CorrectionFactory(article=ru, text="Русская поправка")
    return en, ru


LISTINGS = [
    "",
    "section/economy/",
    "tag/water/",
    "place/almaty/",
    "author/aigerim/",
    "2025/",
    "2025/04/",
    "2025/04/03/",
    "corrections/",
]


class ListingPerEditionTests:
    @pytest.mark.parametrize("path", LISTINGS)
    def test_each_edition_lists_only_its_articles(self, client, two_editions, path):
        en_html = client.get(f"/{path}").content.decode()
        ru_html = client.get(f"/ru/{path}").content.decode()
        assert "Dam opens" in en_html or "English correction" in en_html
        assert "Плотина открыта" not in en_html
        assert "Плотина открыта" in ru_html
        assert "Dam opens" not in ru_html

    def test_section_tag_and_place_take_the_edition_name(self, client, two_editions):
        ru = client.get("/ru/section/economy/").content.decode()
        assert "<h1>Экономика</h1>" in ru
        assert "<h1>Вода</h1>" in client.get("/ru/tag/water/").content.decode()
        assert "<h1>Алматы</h1>" in client.get("/ru/place/almaty/").content.decode()
        assert "<h1>Economy</h1>" in client.get("/section/economy/").content.decode()

    def test_navigation_and_cards_link_within_the_edition(self, client, two_editions):
        html = client.get("/ru/").content.decode()
        assert '<a href="/ru/section/economy/">Экономика</a>' in html
        assert 'href="/ru/2025/04/03/plotina/"' in html
        assert 'href="/section/economy/"' not in html

    def test_markets_and_search_exist_per_edition(self, client, two_editions):
        assert client.get("/ru/markets/").status_code == 200
        assert client.get("/ru/search/").status_code == 200
        assert client.get("/de/").status_code == 404

    def test_counts_are_the_editions(self, client, two_editions):
        ArticleFactory.create_batch(2, section=two_editions[0].section, language="ru")
        html = client.get("/ru/section/economy/").content.decode()
        assert "Показаны результаты 1\u20133 из 3" in html

    def test_latest_block_of_an_edition_without_articles_is_empty(self, client):
        ArticleFactory(title="English only")
        html = client.get("/ru/").content.decode()
        assert "English only" not in html

    def test_pinned_article_leads_only_its_edition(self, client):
        ArticleFactory(title="Pinned English", is_featured=True)
        ArticleFactory(title="Русская новость", language="ru")
        assert "Pinned English" not in client.get("/ru/").content.decode()

    def test_header_search_form_searches_the_edition(self, client):
        html = client.get("/ru/").content.decode()
        assert 'action="/ru/search/"' in html


class ArticleAddressTests:
    def test_article_lives_in_its_own_edition(self, client, two_editions):
        en, ru = two_editions
        assert ru.get_absolute_url() == "/ru/2025/04/03/plotina/"
        assert en.get_absolute_url() == "/2025/04/03/dam-opens/"
        assert client.get("/ru/2025/04/03/plotina/").status_code == 200

    def test_other_editions_prefix_redirects_to_the_article(self, client, two_editions):
        response = client.get("/2025/04/03/plotina/")
        assert response.status_code == 301
        assert response["Location"] == "/ru/2025/04/03/plotina/"
        response = client.get("/ru/2025/04/03/dam-opens/")
        assert response["Location"] == "/2025/04/03/dam-opens/"

    def test_page_is_in_the_articles_edition(self, client, two_editions):
        html = client.get("/ru/2025/04/03/plotina/").content.decode()
        assert '<html lang="ru">' in html
        assert '<a href="/ru/section/economy/">Экономика</a>' in html
        assert ">Вода</a>" in html

    def test_language_that_is_no_edition_gets_the_default_address(self, client):
        article = ArticleFactory(slug="kazakh-story", language="kk", published_at=WHEN)
        assert article.get_absolute_url() == "/2025/04/03/kazakh-story/"
        assert client.get(article.get_absolute_url()).status_code == 200


class TranslationTests:
    def test_article_links_its_translations(self, client, two_editions):
        en, ru = two_editions
        services.translations_link([en, ru])
        html = client.get(en.get_absolute_url()).content.decode()
        story = html[html.index('<article class="story">') :]
        assert 'href="/ru/2025/04/03/plotina/" hreflang="ru" lang="ru">Русский</a>' in story

    def test_switcher_goes_to_the_translation(self, client, two_editions):
        en, ru = two_editions
        services.translations_link([en, ru])
        html = client.get(ru.get_absolute_url()).content.decode()
        switcher = re.search(r'<nav class="editions".*?</nav>', html, re.S).group(0)
        assert 'href="/2025/04/03/dam-opens/"' in switcher

    def test_switcher_without_translation_goes_to_the_edition_home(self, client, two_editions):
        html = client.get(two_editions[0].get_absolute_url()).content.decode()
        switcher = re.search(r'<nav class="editions".*?</nav>', html, re.S).group(0)
        assert 'href="/ru/"' in switcher
        assert 'hreflang="ru"' not in html.split("</head>")[0]

    def test_unpublished_translation_is_not_linked(self, client, two_editions):
        en, ru = two_editions
        services.translations_link([en, ru])
        services.article_unpublish(ru)
        html = client.get(en.get_absolute_url()).content.decode()
        assert "/ru/2025/04/03/plotina/" not in html

    def test_translation_in_a_language_that_is_no_edition_is_not_linked(self, client, two_editions):
        en, ru = two_editions
        kk = ArticleFactory(slug="boget", language="kk", published_at=WHEN)
        services.translations_link([en, ru, kk])
        html = client.get(ru.get_absolute_url()).content.decode()
        assert 'href="/2025/04/03/dam-opens/" hreflang="en"' in html
        assert "/2025/04/03/boget/" not in html

    def test_hreflang_for_linked_translations(self, client, two_editions):
        en, ru = two_editions
        services.translations_link([en, ru])
        head = client.get(en.get_absolute_url()).content.decode().split("</head>")[0]
        base = "http://127.0.0.1:8000"
        assert f'hreflang="en" href="{base}/2025/04/03/dam-opens/"' in head
        assert f'hreflang="ru" href="{base}/ru/2025/04/03/plotina/"' in head
        assert f'hreflang="x-default" href="{base}/2025/04/03/dam-opens/"' in head

    def test_hreflang_for_listings(self, client, two_editions):
        head = client.get("/ru/section/economy/").content.decode().split("</head>")[0]
        assert 'hreflang="en" href="http://127.0.0.1:8000/section/economy/"' in head
        assert 'hreflang="ru" href="http://127.0.0.1:8000/ru/section/economy/"' in head

    def test_no_hreflang_on_later_pages(self, client, two_editions):
        ArticleFactory.create_batch(8, section=two_editions[0].section)
        head = client.get("/section/economy/?page=2").content.decode().split("</head>")[0]
        assert "hreflang" not in head

    def test_switcher_on_a_listing_keeps_the_listing(self, client, two_editions):
        html = client.get("/section/economy/").content.decode()
        switcher = re.search(r'<nav class="editions".*?</nav>', html, re.S).group(0)
        assert 'href="/ru/section/economy/"' in switcher

    def test_article_page_queries_do_not_grow_with_translations(self, client, two_editions):
        en, ru = two_editions
        services.translations_link([en, ru])
        few = _cold_queries(client, en.get_absolute_url())
        third = ArticleFactory(language="kk", published_at=WHEN)
        services.translations_link([en, third])
        assert _cold_queries(client, en.get_absolute_url()) == few


def _cold_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


class AcceptLanguageTests:
    def test_root_stays_the_default_edition_and_offers_the_others(self, client, two_editions):
        """No redirect and no Vary: / is one page for every reader, crawler and cache."""
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "Dam opens" in html and "Плотина открыта" not in html
        assert 'href="/ru/" hreflang="ru" lang="ru">Русский</a>' in html
        assert "Accept-Language" not in response.get("Vary", "")
        assert response["Content-Language"] == "en"

    def test_prefix_decides_the_edition(self, client):
        response = client.get("/ru/", HTTP_ACCEPT_LANGUAGE="en")
        assert response["Content-Language"] == "ru"


KAZAKH = {
    "LANGUAGES": [("en", "English"), ("ru", "Russian"), ("kk", "Kazakh")],
    "DASTAN_EDITIONS": {
        "en": {"NAME": "English"},
        "ru": {"NAME": "Русский"},
        "kk": {"NAME": "Қазақша", "HREFLANG": "kk"},
    },
}


class ThirdEditionTests:
    @override_settings(**KAZAKH)
    def test_kazakh_by_settings_alone(self, client, two_editions):
        section = two_editions[0].section
        section.names = {"ru": "Экономика", "kk": "Экономика (kk)"}
        section.save()
        kk = ArticleFactory(
            title="Бөгет ашылды", slug="boget", language="kk", section=section, published_at=WHEN
        )
        assert kk.get_absolute_url() == "/kk/2025/04/03/boget/"
        assert client.get(kk.get_absolute_url()).status_code == 200
        for path in LISTINGS:
            html = client.get(f"/kk/{path}").content.decode()
            assert "Dam opens" not in html and "Плотина открыта" not in html, path
        home = client.get("/kk/").content.decode()
        assert "Бөгет ашылды" in home
        assert "Экономика (kk)" in client.get("/kk/section/economy/").content.decode()
        assert "Бөгет ашылды" not in client.get("/").content.decode()
        assert 'href="/kk/" hreflang="kk" lang="kk">Қазақша</a>' in client.get("/").content.decode()
        assert client.get("/kk/search/", {"q": "Бөгет"}).status_code == 200


class LegacyAddressTests:
    def test_old_address_redirects_to_the_russian_article(self, client, two_editions):
        LegacyRedirect.objects.create(
            old_path="/ru/plotina-old/", kind=LegacyRedirect.Kind.ARTICLE, article=two_editions[1]
        )
        response = client.get("/ru/plotina-old/")
        assert response.status_code == 301
        assert response["Location"] == "/ru/2025/04/03/plotina/"

    def test_wordpress_search_under_an_edition(self, client):
        response = client.get("/ru/", {"s": "выборы"})
        assert response.status_code == 301
        assert response["Location"].startswith("/ru/search/?q=")
        response = client.get("/ru/page/2/", {"s": "x"})
        assert response["Location"] == "/ru/search/?q=x&page=2"
        assert client.get("/", {"s": "x"})["Location"] == "/search/?q=x"


class QueryCountTests:
    @pytest.mark.parametrize("path", LISTINGS)
    def test_an_edition_costs_what_the_default_costs(self, client, two_editions, path):
        assert _cold_queries(client, f"/ru/{path}") == _cold_queries(client, f"/{path}")

    def test_queries_do_not_grow_with_articles(self, client, two_editions):
        section = two_editions[0].section
        when = timezone.now() - dt.timedelta(hours=2)
        ArticleFactory.create_batch(10, language="ru", section=section, published_at=when)
        few = _cold_queries(client, "/ru/")
        ArticleFactory.create_batch(20, language="ru", section=section, published_at=when)
        assert _cold_queries(client, "/ru/") == few
