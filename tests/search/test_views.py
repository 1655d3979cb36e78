# ruff: noqa: RUF001, RUF002, RUF003 - Cyrillic and Uzbek letters are what these tests are about
"""The search page at /search/ and the old WordPress /?s= address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastan.search.middleware import LegacySearchRedirectMiddleware
from dastan.web.paging import page_number
from tests.factories import ArticleFactory, SectionFactory


@pytest.fixture
def archive(db):
    politics = SectionFactory(name="Politics", slug="politics")
    culture = SectionFactory(name="Culture", slug="culture")
    made = [
        ArticleFactory(
            title=f"Court ruling {i}",
            body=f"<p>The <b>court</b> in Almaty ruled on case {i} &amp; more.</p>",
            section=politics if i % 2 else culture,
            published_at=timezone.now() - dt.timedelta(days=i + 1),
        )
        for i in range(8)
    ]
    ArticleFactory(title="Суд в Алматы", body="<p>Токаев и суд.</p>", language="ru")
    return made


class SearchPageContract:
    """The page behaves the same on every backend."""

    def test_results_page(self, client, archive):
        """The page counts the results, keeps the query in the box and marks matches."""
        response = client.get("/search/", {"q": "court"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Viewing results 1 - 6 of 8" in html
        assert 'value="court"' in html
        assert "<mark>court</mark>" in html
        assert "&amp; more" in html and "<b>court</b>" not in html
        assert 'name="robots" content="noindex' in html

    def test_section_counts_and_filter(self, client, archive):
        """Counts per section are shown, and a section link narrows the results."""
        html = client.get("/search/", {"q": "court"}).content.decode()
        assert "Politics" in html and "Culture" in html
        html = client.get("/search/", {"q": "court", "section": "politics"}).content.decode()
        assert "of 4" in html

    def test_paging(self, client, archive):
        """Page 2 shows the rest."""
        html = client.get("/search/", {"q": "court", "page": "2"}).content.decode()
        assert "Viewing results 7 - 8 of 8" in html

    def test_zero_results_offers_latest(self, client, archive):
        """No match says so and lists the latest articles."""
        html = client.get("/search/", {"q": "zebra"}).content.decode()
        assert "No articles match" in html and "Latest articles" in html

    def test_language_edition(self, client, archive):
        """The reader's edition is searched by default; ``lang`` picks another or all."""
        assert "of 8" in client.get("/search/", {"q": "Алматы"}).content.decode()
        assert "of 1" in client.get("/search/", {"q": "суд", "lang": "ru"}).content.decode()
        assert "of 9" in client.get("/search/", {"q": "Almaty", "lang": "all"}).content.decode()

    def test_default_edition_is_the_pages(self, client, archive):
        """/ru/search/ searches the Russian edition; its switcher keeps the query."""
        html = client.get("/ru/search/", {"q": "суд"}).content.decode()
        assert "Суд в Алматы" in html
        assert "Court ruling" not in html
        assert '<option value="ru" lang="ru" selected>' in html
        assert 'href="/search/?q=%D1%81%D1%83%D0%B4" hreflang="en"' in html

    def test_language_choice_is_kept(self, client, archive):
        html = client.get("/ru/search/", {"q": "court", "lang": "en"}).content.decode()
        assert "Показаны результаты 1\u20136 из 8" in html
        assert '<option value="en" lang="en" selected>' in html
        assert "lang=en&amp;page=2" in html

    def test_zero_results_offer_the_other_editions_with_counts(self, client, archive):
        """Nothing in English: the Russian edition is offered with its count; latest is English."""
        html = client.get("/search/", {"q": "суд"}).content.decode()
        offer = html[html.index('class="search-editions"') :]
        assert 'href="/ru/search/?q=%D1%81%D1%83%D0%B4"' in offer
        assert '<span class="count">1</span>' in offer
        latest = html[html.index('class="search-latest"') :]
        assert "Court ruling" in latest and "Суд в Алматы" not in latest

    def test_zero_results_everywhere_offer_no_edition(self, client, archive):
        html = client.get("/ru/search/", {"q": "zzzqqq"}).content.decode()
        assert 'class="search-editions"' not in html
        latest = html[html.index('class="search-latest"') :]
        assert "Суд в Алматы" in latest and "Court ruling" not in latest

    def test_deep_page_asks_to_refine(self, client, archive, settings):
        """Past the paging limit the page asks for a narrower query instead of scanning."""
        settings.DASTAN_SEARCH = {"MAX_RESULTS": 12}
        html = client.get("/search/", {"q": "court", "page": "3"}).content.decode()
        assert "refine your search" in html

    def test_a_page_past_the_end_says_so_and_links_back(self, client, archive):
        """Page 3 of two is not "no articles match": it says so and links to the last page."""
        html = client.get("/search/", {"q": "court", "page": "3"}).content.decode()
        assert "No articles match" not in html and "Latest articles" not in html
        assert "past the end" in html
        assert 'href="?q=court&amp;page=2"' in html

    def test_a_page_past_the_end_of_nothing_is_the_zero_results_page(self, client, archive):
        """A query that finds nothing at all says so on any page."""
        html = client.get("/search/", {"q": "zebra", "page": "3"}).content.decode()
        assert "No articles match" in html and "past the end" not in html

    def test_an_exact_count_is_never_about(self, client, archive, settings):
        """Exactly EXACT_COUNT matches, and a short last page, are shown as exact counts."""
        settings.DASTAN_SEARCH = {"EXACT_COUNT": 8}
        html = client.get("/search/", {"q": "court", "sort": "date"}).content.decode()
        assert "Viewing results 1 - 6 of 8<" in html
        settings.DASTAN_SEARCH = {"EXACT_COUNT": 3}
        html = client.get("/search/", {"q": "court", "sort": "date", "page": "2"}).content.decode()
        assert "Viewing results 7 - 8 of 8<" in html

    def test_only_scaled_section_counts_are_marked_as_estimates(self, client, archive, settings):
        """Section counts scaled from a window show "~"; counted ones do not, whatever the total."""
        counts = '<span class="count">'
        settings.DASTAN_SEARCH = {"EXACT_COUNT": 3}
        html = client.get("/search/", {"q": "court", "sort": "date"}).content.decode()
        assert "of about" in html and f"{counts}4<" in html and f"{counts}~" not in html
        settings.DASTAN_SEARCH = {"FACET_WINDOW": 3}
        html = client.get("/search/", {"q": "court"}).content.decode()
        assert "of 8<" in html and f"{counts}~" in html

    def test_bad_parameters_still_give_a_page(self, client, archive):
        """Nonsense dates and filters are ignored or narrow to nothing, never a 500."""
        for params in (
            {"q": "court", "from": "yesterday", "to": "2024-99-99"},
            {"q": "court", "section": "no-such-section"},
            {"q": "court", "section": "a\x1fb", "author": "\x7f"},
            {"q": "court", "sort": "date", "lang": "xx"},
        ):
            assert client.get("/search/", params).status_code == 200

    @pytest.mark.parametrize("page", ["abc", "-4", "0", "\u00b2", "1" * 5000])
    def test_a_page_that_is_no_number_is_404(self, client, archive, page):
        """As on every listing (``dastan.web.paging``): a 404, not page 1 under a second address."""
        assert client.get("/search/", {"q": "court", "page": page}).status_code == 404


class SqliteSearchPageTests(SearchPageContract):
    pass


@pytest.mark.postgres
class PostgresSearchPageTests(SearchPageContract):
    pass


@pytest.mark.django_db
class WordPressRedirectTests:
    def middleware(self):
        return LegacySearchRedirectMiddleware(lambda request: "passed through")

    def test_old_search_address_redirects(self):
        """``/?s=oil+prices`` goes permanently to ``/search/?q=oil+prices``."""
        response = self.middleware()(RequestFactory().get("/", {"s": "oil prices"}))
        assert response.status_code == 301
        assert response["Location"] == "/search/?q=oil+prices"

    def test_old_paged_search_keeps_the_page(self):
        """``/page/5/?s=election`` keeps its page."""
        response = self.middleware()(RequestFactory().get("/page/5/", {"s": "election"}))
        assert response["Location"] == "/search/?q=election&page=5"

    def test_other_requests_pass(self):
        """The home page and other addresses are left alone."""
        assert self.middleware()(RequestFactory().get("/")) == "passed through"
        assert self.middleware()(RequestFactory().get("/about/", {"s": "x"})) == "passed through"


QUERIES = st.one_of(
    st.text(),
    st.text(alphabet="\"-*:^()OR NEAR AND \\'%_;", max_size=40),
    st.sampled_from(['"open quote', "NEAR(", "a:b", "x' OR 1=1 --", "\x00\x07", "🙂 مرحبا"]),
    st.just("long " * 2500),
)
# Values that mean something to some parameter, next to arbitrary text.
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**6), max_value=10**30).map(str),
    st.dates().map(str),
    st.sampled_from(
        [
            "",
            "0",
            "2",
            "politics",
            "culture",
            "all",
            "ru",
            "date",
            "0001-01-01",
            "9999-12-31",
            "2024-02-30",
            "1e9",
            "NaN",
            "١٢",
            "9" * 5000,
            "x\x00y",
            "%00",
        ]
    ),
)
PARAMETERS = ("page", "sort", "lang", "section", "tag", "place", "author", "from", "to")


def fuzz_test():
    """Return a fresh fuzz test: hypothesis wants one function per test class."""

    @settings(
        max_examples=200,
        deadline=None,
        # Generation may be slow on a busy CI machine; the property is what matters.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({"q": QUERIES}, optional=dict.fromkeys(PARAMETERS, VALUES)))
    def test_any_request_gives_a_page(self, client, archive, params):
        """Whatever is typed and whatever the other parameters say, the page answers 200.

        Only a ``page`` that names no page is a 404, as on every listing.
        """
        expected = 404 if page_number(params.get("page")) is None else 200
        assert client.get("/search/", params).status_code == expected

    return test_any_request_gives_a_page


@pytest.mark.django_db
class SqliteFuzzTests:
    test_any_request_gives_a_page = fuzz_test()


@pytest.mark.postgres
@pytest.mark.django_db
class PostgresFuzzTests:
    test_any_request_gives_a_page = fuzz_test()


@pytest.mark.django_db
class ZeroResultsTests:
    def test_offers_all_languages_and_only_listed_latest_articles(self, client):
        """Nothing found: a link widens to every edition; the latest list never shows a page."""
        from tests.factories import ArticleFactory

        ArticleFactory(title="Listed story")
        ArticleFactory(title="About the newsroom", is_listed=False)
        html = client.get("/search/", {"q": "zzzqqq"}).content.decode()
        assert 'href="?q=zzzqqq&amp;lang=all"' in html
        assert "Listed story" in html
        assert "About the newsroom" not in html
