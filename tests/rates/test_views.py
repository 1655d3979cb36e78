"""The header ticker tag and the /markets/ pages, through the template engine and test client."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.template import Context, Template
from django.utils import timezone

from dastan.rates.models import RateObservation

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
