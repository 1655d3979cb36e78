"""One rule for page numbers on every reader page: ASCII digits, 1 to 999,999, else 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dastan.web.paging import page_number
from tests.factories import ArticleFactory, AuthorFactory, PlaceFactory, SectionFactory, TagFactory


class PageNumberTests:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [(None, 1), ("", 1), ("1", 1), ("7", 7), ("007", 7), ("999999", 999999)],
    )
    def test_page_numbers(self, raw, expected):
        assert page_number(raw) == expected

    @pytest.mark.parametrize(
        "raw",
        ["\u00b2", "\u0663", "\uff13", "0", "-1", "+2", " 2", "2\n", "1.5", "1e3", "1000000"],
    )
    def test_values_that_name_no_page(self, raw):
        """Superscripts, other scripts' digits, signs, spaces and huge numbers are no page."""
        assert page_number(raw) is None

    def test_a_huge_number_is_no_page(self):
        """Past Python's int() digit limit too: no ValueError, no long conversion."""
        assert page_number("9" * 100_000) is None

    @given(st.text())
    def test_any_text_is_a_page_or_none(self, raw):
        number = page_number(raw)
        assert number is None or (1 <= number <= 999_999 and raw.isascii())


@pytest.fixture
def listings(db):
    """One article filed everywhere, and the listing addresses that show it."""
    section = SectionFactory(slug="politics")
    tag = TagFactory(slug="courts")
    place = PlaceFactory(slug="almaty")
    author = AuthorFactory(slug="timur")
    when = timezone.localtime(timezone.now() - dt.timedelta(days=2))
    ArticleFactory(section=section, tags=[tag], places=[place], authors=[author], published_at=when)
    return [
        "/section/politics/",
        "/tag/courts/",
        "/place/almaty/",
        "/author/timur/",
        f"/{when:%Y}/",
        f"/{when:%Y/%m}/",
        f"/{when:%Y/%m/%d}/",
        "/corrections/",
        "/search/?q=court&",
    ]


class ReaderPagingTests:
    @pytest.mark.parametrize("page", ["%C2%B2", "%D9%A3", "99999999999999999999", "1" * 5000])
    def test_bad_page_is_404_on_every_listing(self, client, listings, page):
        """``?page=%C2%B2`` (a superscript two) was a 500 on every listing: now 404."""
        for url in listings:
            joiner = "" if url.endswith("&") else "?"
            assert client.get(f"{url}{joiner}page={page}").status_code == 404, url

    def test_first_page_still_served(self, client, listings):
        for url in listings:
            joiner = "" if url.endswith("&") else "?"
            assert client.get(f"{url}{joiner}page=1").status_code == 200, url

    @pytest.mark.parametrize("paged", ["%C2%B2", "%D9%A3", "abc", "1" * 5000])
    def test_old_search_address_with_bad_paged_goes_to_page_one(self, client, db, paged):
        """``/?s=x&paged=%C2%B2`` was a 500; WordPress reads it as page 1, as the redirect does."""
        response = client.get(f"/?s=x&paged={paged}")
        assert response.status_code == 301
        assert response["Location"] == "/search/?q=x"

    def test_old_search_address_keeps_a_good_page(self, client, db):
        response = client.get("/?s=x&paged=3")
        assert response["Location"] == "/search/?q=x&page=3"
