"""The header ticker tag and the /markets/ pages, through the template engine and test client."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastan.rates.models import RateObservation
from dastan.rates.selectors import ticker_rates, ticker_rates_uncached

from .conftest import delete_raw, write_raw

pytestmark = pytest.mark.django_db


def observe(quote: str, rate: str, days_ago: int, source: str, nominal: int = 1):
    RateObservation.objects.create(
        currency="USD",
        quote=quote,
        rate=Decimal(rate),
        nominal=nominal,
        rate_date=timezone.localdate() - timedelta(days=days_ago),
        source=source,
        fetched_at=timezone.now(),
    )


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens an HTTP client."""

    def refuse(*args, **kwargs):
        raise AssertionError("a page request must never reach the network")

    monkeypatch.setattr(httpx.Client, "send", refuse)


@pytest.fixture
def rates():
    observe("KZT", "481.54", 1, "nbk")
    observe("KZT", "478.77", 0, "nbk")
    observe("UZS", "12905.32", 0, "cbu")
    observe("UZS", "12905.32", 1, "cbu")
    observe("TJS", "9.3450", 30, "nbt")


def render_ticker() -> str:
    return Template("{% load rates_tags %}{% currency_ticker %}").render(Context())


class CurrencyTickerTests:
    def test_values_change_and_title(self, rates, no_network):
        """Each currency shows its exact value, change with arrow and text, source and date."""
        html = render_ticker()
        assert html.index("KZT/USD") < html.index("TJS/USD") < html.index("UZS/USD")
        assert "0.002089" in html and "0.0000775" in html and "0.00008<" not in html
        assert '<span aria-hidden="true">▲</span><span class="rates-sr">up</span> +0.58%' in html
        assert '<span class="rates-sr">unchanged</span> 0.00%' in html
        assert "1 USD = 12,905.32 UZS" in html
        today = timezone.localdate()
        assert f"National Bank of Kazakhstan, rate for {today.day} " in html
        assert 'href="/markets/#kzt"' in html

    def test_stale_says_as_of(self, rates):
        """A rate older than its source's publication gap says "as of"."""
        html = render_ticker()
        stale_day = timezone.localdate() - timedelta(days=30)
        assert f"as of {stale_day.day} {stale_day:%B}" in html
        assert html.count("as of") == 1

    def test_absent_without_rates(self):
        """With no rates stored, the tag renders nothing at all."""
        assert render_ticker().strip() == ""

    def test_new_rates_are_drawn_at_once(self, rates):
        """The HTML kept per set of rates never outlives them (issue #15)."""
        cache.clear()
        before = render_ticker()
        RateObservation.objects.filter(quote="KZT", rate_date=timezone.localdate()).update(
            rate=Decimal("470.05")
        )
        cache.clear()
        after = render_ticker()
        assert "470.05 KZT" not in before and "470.05 KZT" in after
        assert after != before and render_ticker() == after

    def test_the_kept_html_is_what_the_template_draws(self, rates):
        """Drawn twice in each language, the ticker is the template's own output."""
        for language in ["en", "ru", "en"]:
            with translation.override(language):
                expected = render_to_string("rates/ticker.html", {"rates": ticker_rates()})
                assert render_ticker() == expected == render_ticker()


class MarketsPageTests:
    def test_table_and_charts(self, client, rates, no_network):
        """The markets page lists each currency with an inline SVG chart and data links."""
        response = client.get("/markets/")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<svg") == 3
        assert '<th scope="row">KZT/USD</th>' in html
        assert "<polyline" in html and "<script" not in html.split("<main")[1]
        assert 'href="/markets/UZS.csv"' in html and 'href="/markets/KZT.json"' in html
        assert "12,905.32 UZS" in html
        assert "layouts/base.html" in [t.name for t in response.templates]

    def test_cached_until_new_rates_arrive(self, client, rates, django_assert_max_num_queries):
        """A second view reads no rates from the database; stored rates refresh the table."""
        from dastan.rates.providers import Rate
        from dastan.rates.services import rates_store

        client.get("/markets/")
        with django_assert_max_num_queries(1):
            client.get("/markets/")
        today = timezone.localdate()
        assert "470.1" not in client.get("/markets/").content.decode()
        rates_store([Rate("USD", "KZT", Decimal("470.1"), 1, today + timedelta(days=1), "nbk")])
        assert "470.1" in client.get("/markets/").content.decode()

    def test_each_edition_has_its_page_and_cache(self, client, rates):
        """/ru/markets/ links its own data; new rates refresh every edition's table."""
        from dastan.rates.providers import Rate
        from dastan.rates.services import rates_store

        html = client.get("/ru/markets/").content.decode()
        assert 'href="/ru/markets/UZS.csv"' in html
        client.get("/markets/")
        rates_store([Rate("USD", "KZT", Decimal("470.1"), 1, timezone.localdate(), "nbk")])
        assert "470,1" in client.get("/ru/markets/").content.decode()
        assert "470.1" in client.get("/markets/").content.decode()

    def test_empty(self, client):
        """Without rates the page says so."""
        assert b"No exchange rates have been fetched yet" in client.get("/markets/").content

    def test_json(self, client, rates):
        """The history as JSON keeps every digit as a string."""
        data = client.get("/markets/kzt.json").json()
        assert (data["currency"], data["quote"]) == ("KZT", "USD")
        assert [p["rate"] for p in data["history"]] == ["481.54", "478.77"]
        assert data["history"][-1]["value"] == "0.00208868559016"
        assert data["history"][-1]["source"] == "nbk"
        assert json.dumps(data)  # round-trips

    def test_csv(self, client, rates):
        """The history as CSV, one row per day."""
        response = client.get("/markets/UZS.csv")
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["date", "currency", "quote", "value", "rate", "nominal", "source"]
        assert rows[-1][1:] == ["UZS", "USD", "0.0000774874237911", "12905.32", "1", "cbu"]

    def test_unknown_currency(self, client):
        """A currency that is not configured is a 404."""
        assert client.get("/markets/EUR.json").status_code == 404


class TickerResilienceTests:
    def test_database_error_renders_nothing(self, monkeypatch, caplog):
        """A broken rates table (migrations not run) hides the ticker instead of the page."""
        from django.db import DatabaseError

        def broken():
            raise DatabaseError("no such table: rates_rateobservation")

        monkeypatch.setattr("dastan.rates.templatetags.rates_tags.ticker_rates", broken)
        assert render_ticker().strip() == ""
        assert "the ticker could not read the database" in caplog.text


BAD_VALUES = ["1e15", "1e-11", "0", "-478.77", "NaN", "Infinity"]


def csv_rows(client, code: str) -> list[list[str]]:
    response = client.get(f"/markets/{code}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


class HostileRowsTests:
    """Rows written around the fetcher: every page renders and no bad value is shown."""

    @pytest.mark.parametrize("bad", BAD_VALUES)
    def test_bad_newest_row_shows_the_last_good_one(self, client, caplog, bad):
        observe("KZT", "478.77", 1, "nbk")
        if not write_raw("KZT", Decimal(bad), timezone.localdate(), "nbk"):
            pytest.skip(f"this database refuses {bad} in the column")
        html = render_ticker()
        assert "0.002089" in html
        assert "ignoring stored nbk USD/KZT" in caplog.text
        assert client.get("/markets/").status_code == 200
        assert [row[4] for row in csv_rows(client, "KZT")] == ["478.77"]
        assert client.get("/markets/KZT.json").status_code == 200

    @pytest.mark.parametrize("bad", BAD_VALUES)
    def test_only_bad_rows_hide_the_currency(self, client, bad):
        observe("UZS", "12905.32", 0, "cbu")
        if not write_raw("KZT", Decimal(bad), timezone.localdate(), "nbk"):
            pytest.skip(f"this database refuses {bad} in the column")
        assert "KZT/USD" not in render_ticker() and "UZS/USD" in render_ticker()
        page = client.get("/markets/")
        assert page.status_code == 200 and b"KZT/USD" not in page.content
        assert csv_rows(client, "KZT") == []

    def test_far_future_row_is_never_shown(self, client):
        """A row dated 2999 does not become the ticker's rate for ever."""
        observe("KZT", "478.77", 0, "nbk")
        write_raw("KZT", Decimal("400"), date(2999, 1, 1), "nbk")
        assert "0.002089" in render_ticker() and "2999" not in render_ticker()
        assert "2999" not in client.get("/markets/").content.decode()

    def test_zero_nominal_is_hidden(self, client):
        write_raw("KZT", Decimal("478.77"), timezone.localdate(), "nbk", nominal=0)
        assert "KZT/USD" not in render_ticker()
        assert csv_rows(client, "KZT") == []


GOOD_RATE = (Decimal("0.00000001"), Decimal("99999999999999"))


def is_good(rate: Decimal, nominal: int, day: date) -> bool:
    """The test's own idea of a showable row, independent of dastan.rates.validation."""
    today = timezone.localdate()
    return (
        rate.is_finite()
        and GOOD_RATE[0] <= rate <= GOOD_RATE[1]
        and 1 <= nominal <= 1_000_000
        and date(1992, 1, 1) <= day <= today + timedelta(days=7)
    )


hostile_rates = st.one_of(
    st.sampled_from([Decimal(v) for v in [*BAD_VALUES, "-Infinity", "sNaN", "1e9", "5e-9", "-0"]]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("1e16")),
)
hostile_dates = st.one_of(
    st.sampled_from([date(2999, 1, 1), date(9999, 12, 31), date(1, 1, 1), date(1991, 12, 31)]),
    st.dates(),
    st.integers(-100, 10).map(lambda n: timezone.localdate() + timedelta(days=n)),
)
hostile_rows = st.lists(
    st.tuples(
        st.sampled_from(["KZT", "UZS", "TMT"]),
        hostile_rates,
        st.one_of(st.sampled_from([0, 1, 100, 10**6 + 1]), st.integers(0, 2**31 - 1)),
        hostile_dates,
        st.sampled_from(["nbk", "cbu", "cbt", "fixed", "erapi"]),
        st.one_of(st.none(), hostile_rates),
    ),
    max_size=8,
)


class HostileRowsPropertyTests:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(rows=hostile_rows)
    def test_whatever_is_stored_pages_answer_and_hide_bad_values(self, rows):
        """Hostile values straight in the table: the ticker, /markets/ and the CSV never fail
        and never show a row outside the bounds."""
        delete_raw()
        cache.clear()
        observe("KZT", "478.77", 1, "nbk")
        written = {("KZT", timezone.localdate() - timedelta(days=1), "nbk"): True}
        for quote, rate, nominal, day, source, change in rows:
            if write_raw(quote, rate, day, source, nominal=nominal, change=change):
                written[(quote, day, source)] = is_good(rate, nominal, day)
        for entry in ticker_rates_uncached():
            assert written[(entry.currency, entry.rate_date, entry.source)]
            assert entry.value > 0
        assert "<li" in render_ticker() or not ticker_rates_uncached()
        client = Client()
        assert client.get("/markets/").status_code == 200
        for code in ("KZT", "UZS", "TMT"):
            for day, currency, _, _, rate, nominal, source in csv_rows(client, code):
                assert written[(currency, date.fromisoformat(day), source)]
                assert is_good(Decimal(rate), int(nominal), date.fromisoformat(day))
            assert client.get(f"/markets/{code}.json").status_code == 200


class RussianTickerTests:
    def test_labels_numbers_and_screen_reader_text(self, rates):
        """In Russian the ticker reads decimal commas, Russian arrows' words and bank names."""
        with translation.override("ru"):
            html = render_ticker()
        assert 'aria-label="Официальные курсы валют"' in html
        assert '<span class="rates-sr">рост</span> +0,58%' in html
        assert '<span class="rates-sr">без изменений</span> 0,00%' in html
        assert "1 USD = 12\xa0905,32 UZS" in html
        stale_day = timezone.localdate() - timedelta(days=30)
        with translation.override("ru"):
            month = date_format(stale_day, "E")
        assert f"на {stale_day.day} {month}" in html
        assert "Национальный банк Казахстана, курс на" in html

    def test_each_edition_renders_its_own_words(self, client, rates):
        """The cached markets rows hold numbers; each edition's page draws its own words."""
        english = client.get("/markets/").content.decode()
        russian = client.get("/ru/markets/").content.decode()
        assert "KZT/USD, last 90 days" in english and "Official exchange rates" in english
        assert "KZT/USD за последние 90 дней" in russian and "Official" not in russian
