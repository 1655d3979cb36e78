"""The ticker's choice of source, its change, staleness by publication calendar, and caching."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dastan.rates.models import RateObservation
from dastan.rates.selectors import (
    currency_histories,
    currency_history,
    is_business_day,
    is_stale,
    ticker_entry,
    ticker_rates,
    ticker_rates_uncached,
)

pytestmark = pytest.mark.django_db


def observe(quote: str, rate: str, day: date, source: str, nominal: int = 1, change=None):
    return RateObservation.objects.create(
        currency="USD",
        quote=quote,
        rate=Decimal(rate),
        nominal=nominal,
        rate_date=day,
        source=source,
        change=None if change is None else Decimal(change),
        fetched_at=timezone.now(),
    )


FRIDAY = date(2026, 3, 27)


class CalendarTests:
    def test_weekend_is_not_stale(self):
        """Friday's rate is current through the weekend and on Monday morning."""
        assert not is_stale("nbk", FRIDAY, today=FRIDAY + timedelta(days=3))

    def test_missed_business_day_is_stale(self):
        """Once a business day has passed without a rate, Friday's rate is stale."""
        assert is_stale("nbk", FRIDAY, today=FRIDAY + timedelta(days=4))

    def test_holidays(self):
        """Nauryz (21-23 March) is no business day in Kazakhstan."""
        assert not is_business_day("nbk", date(2026, 3, 23))
        assert not is_stale("nbk", date(2026, 3, 20), today=date(2026, 3, 24))
        assert is_business_day("cbu", date(2026, 3, 23))

    def test_holiday_setting(self, settings):
        """Moveable feasts come from the HOLIDAYS setting."""
        settings.DASTAN_RATES = {"HOLIDAYS": {"nbk": ["2026-03-30"]}}
        assert not is_stale("nbk", FRIDAY, today=date(2026, 3, 31))

    def test_future_date_is_fresh(self):
        """NBKR dates its file from the next day: that is not stale."""
        assert not is_stale("nbkr", date(2026, 5, 24), today=date(2026, 5, 23))

    def test_daily_sources(self):
        """The aggregator and the peg publish every day."""
        assert is_business_day("erapi", date(2026, 3, 29))
        assert is_stale("erapi", date(2026, 3, 28), today=date(2026, 3, 30))


class TickerRatesTests:
    def test_order_and_values(self, settings):
        """Currencies come in the configured order, as quote units per local unit."""
        settings.DASTAN_RATES = {"CURRENCIES": ["UZS", "KZT"]}
        observe("KZT", "478.77", FRIDAY, "nbk")
        observe("UZS", "12905.32", FRIDAY, "cbu")
        observe("KGS", "87.45", FRIDAY, "nbkr")
        shown = ticker_rates_uncached(today=FRIDAY)
        assert [t.pair for t in shown] == ["UZS/USD", "KZT/USD"]
        assert shown[0].value_display == "0.0000775"
        assert shown[0].inverse_display == "1 USD = 12,905.32 UZS"
        assert shown[1].value_display == "0.002089"
        assert shown[1].source_label == "National Bank of Kazakhstan"

    def test_change_against_previous_stored_rate(self):
        """Without a bank change field, the change is computed from the previous stored rate."""
        observe("KGS", "87.50", FRIDAY - timedelta(days=1), "nbkr")
        observe("KGS", "87.45", FRIDAY, "nbkr")
        (kgs,) = ticker_rates_uncached(today=FRIDAY)
        assert kgs.change == (Decimal("87.50") / Decimal("87.45") - 1) * 100
        assert (kgs.direction, kgs.change_display) == ("up", "+0.06%")

    def test_bank_change_field_wins(self):
        """NBK's own change field gives the previous official rate even after a missed day."""
        observe("KZT", "470.00", FRIDAY - timedelta(days=7), "nbk")
        observe("KZT", "478.77", FRIDAY, "nbk", change="-2.77")
        (kzt,) = ticker_rates_uncached(today=FRIDAY)
        assert round(kzt.change, 4) == Decimal("0.5786")

    def test_no_previous_rate(self):
        """A single rate has no change, shown as unknown."""
        observe("TJS", "9.345", FRIDAY, "nbt")
        (tjs,) = ticker_rates_uncached(today=FRIDAY)
        assert tjs.change is None and tjs.direction == "unknown"

    def test_fresh_fallback_stands_in_for_stale_bank(self):
        """When the bank's last rate is stale and the aggregator's is fresh, it is labelled."""
        observe("KZT", "478.77", FRIDAY, "nbk")
        observe("KZT", "480.10", FRIDAY + timedelta(days=5), "erapi")
        (kzt,) = ticker_rates_uncached(today=FRIDAY + timedelta(days=5))
        assert (kzt.source, kzt.stale) == ("erapi", False)
        assert "ExchangeRate-API" in kzt.title

    def test_bank_preferred_while_fresh(self):
        """The official rate wins over a newer aggregator rate while it is current."""
        observe("KZT", "478.77", FRIDAY, "nbk")
        observe("KZT", "480.10", FRIDAY + timedelta(days=1), "erapi")
        (kzt,) = ticker_rates_uncached(today=FRIDAY + timedelta(days=1))
        assert kzt.source == "nbk"

    def test_all_stale_shows_newest_as_of(self):
        """When every source is stale, the newest rate is shown and marked stale."""
        observe("KZT", "478.77", FRIDAY, "nbk")
        (kzt,) = ticker_rates_uncached(today=FRIDAY + timedelta(days=10))
        assert kzt.stale and kzt.rate_date == FRIDAY

    def test_peg_when_cbt_missing(self):
        """TMT falls back on the fixed peg source."""
        observe("TMT", "3.5", FRIDAY, "fixed")
        (tmt,) = ticker_rates_uncached(today=FRIDAY)
        assert tmt.value_display == "0.285714" and tmt.source_label == "Official peg"

    def test_cached(self, django_assert_num_queries):
        """The ticker is read from the cache after the first call."""
        observe("KZT", "478.77", timezone.localdate(), "nbk")
        first = ticker_rates()
        with django_assert_num_queries(0):
            assert ticker_rates() == first

    def test_recent_rates_of_every_currency_cost_one_query(self, django_assert_num_queries):
        """The ticker reads every source's recent rows at once (issue #15)."""
        for back in range(3):
            day = FRIDAY - timedelta(days=back)
            for quote, source in [("KZT", "nbk"), ("KGS", "nbkr"), ("TJS", "nbt")]:
                observe(quote, "478.77", day, source)
            observe("UZS", "12905.32", day, "cbu")
            observe("TMT", "3.5", day, "cbt")
        with django_assert_num_queries(1):
            assert len(ticker_rates_uncached(today=FRIDAY)) == 5

    @pytest.mark.parametrize("days_back", [0, 1, 6, 7, 8, 30])
    def test_the_recent_read_gives_what_one_source_at_a_time_gives(self, days_back):
        """Rows inside or outside the window, one of them bad: the same ticker either way."""
        today = FRIDAY + timedelta(days=days_back)
        observe("KZT", "470.10", FRIDAY - timedelta(days=9), "nbk")
        observe("KZT", "478.77", FRIDAY - timedelta(days=1), "nbk")
        observe("KZT", "481.02", FRIDAY, "nbk")
        observe("KGS", "87.45", FRIDAY, "nbkr")
        observe("KGS", "0", FRIDAY - timedelta(days=1), "nbkr")
        observe("KGS", "87.11", FRIDAY - timedelta(days=2), "nbkr")
        observe("TMT", "3.5", FRIDAY - timedelta(days=3), "fixed")
        observe("TMT", "3.5", FRIDAY - timedelta(days=4), "fixed")
        shown = ticker_rates_uncached(today=today)
        one_at_a_time = [
            entry
            for currency in ["KZT", "KGS", "TJS", "UZS", "TMT"]
            if (entry := ticker_entry(currency, today=today)) is not None
        ]
        assert shown == one_at_a_time and len(shown) == 3


class CurrencyHistoryTests:
    def test_one_source_per_series(self):
        """History comes from the ticker's source only, oldest first, within the window."""
        today = date(2026, 5, 22)
        for n in range(100):
            observe("KZT", str(470 + n), today - timedelta(days=n), "nbk")
        observe("KZT", "999", today, "erapi")
        points = currency_history("KZT", days=90, today=today)
        assert len(points) == 90
        assert points[0].date == today - timedelta(days=89) and points[-1].date == today
        assert {p.source for p in points} == {"nbk"}
        assert points[-1].value == 1 / Decimal(470)

    def test_the_markets_histories_in_one_query_equal_each_currencys_own(
        self, django_assert_num_queries
    ):
        """Every currency's series, bad and future rows left out, as read one at a time."""
        today = timezone.localdate()
        for n in range(40):
            observe("KZT", str(470 + n), today - timedelta(days=n), "nbk")
            observe("KGS", str(87 + n), today - timedelta(days=n), "nbkr")
            observe("KGS", "999", today - timedelta(days=n), "erapi")
        observe("KZT", "-5", today - timedelta(days=50), "nbk")
        observe("KZT", "480", today + timedelta(days=30), "nbk")
        rates = ticker_rates_uncached(today=today)
        assert {r.currency for r in rates} == {"KZT", "KGS"}
        with django_assert_num_queries(1):
            histories = currency_histories(rates, days=60, today=today)
        for rate in rates:
            expected = currency_history(rate.currency, days=60, today=today)
            assert histories[rate.currency] == expected and len(expected) == 40
