"""Fetching and storing: idempotent history, corrections, and every failure mode of issue 4."""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from dastan.rates import services
from dastan.rates.models import RateCorrection, RateObservation
from dastan.rates.providers import Rate
from dastan.rates.selectors import ticker_rates_uncached
from dastan.rates.services import default_sources, rates_load_demo, rates_refresh, rates_store

from .conftest import recorded, write_raw

pytestmark = pytest.mark.django_db


def kzt(source: str = "nbk") -> RateObservation:
    return RateObservation.objects.get(currency="USD", quote="KZT", source=source)


class RatesStoreTests:
    def rate(self, value: str, nominal: int = 1) -> Rate:
        return Rate("USD", "KZT", Decimal(value), nominal, date(2026, 4, 1), "nbk")

    def test_same_day_twice_changes_nothing(self):
        """Storing the same rates again creates nothing and touches nothing."""
        first = rates_store([self.rate("478.77")])
        fetched_at = kzt().fetched_at
        again = rates_store([self.rate("478.77")])
        assert (first.created, again.created, again.unchanged) == (1, 0, 1)
        assert RateObservation.objects.count() == 1 and kzt().fetched_at == fetched_at

    def test_same_value_other_nominal_is_unchanged(self):
        """478.77 per 1 and 47877 per 100 are the same rate."""
        rates_store([self.rate("478.77")])
        assert rates_store([self.rate("47877", 100)]).unchanged == 1

    def test_correction_replaces_and_is_logged(self, caplog):
        """A bank's correction replaces the value and leaves a record and a log line."""
        rates_store([self.rate("478.77")])
        with caplog.at_level(logging.WARNING, logger="dastan.rates"):
            result = rates_store([self.rate("478.70")])
        assert result.corrected == 1
        assert kzt().rate == Decimal("478.70")
        correction = RateCorrection.objects.get()
        assert (correction.old_rate, correction.new_rate) == (Decimal("478.77"), Decimal("478.70"))
        assert "nbk corrected USD/KZT for 2026-04-01" in caplog.text


class RatesRefreshTests:
    def test_fetches_every_source(self, banks):
        """One refresh reads each dated bank once and stores what it published."""
        result = rates_refresh(day=date(2026, 5, 18))
        assert result.ok
        assert set(result.fetched) == {"nbk", "nbt", "cbu", "cbt", "fixed"}
        assert result.skipped == ["nbkr"]
        assert banks.hits("erapi") == 0
        assert kzt().rate == Decimal("478.77")
        assert RateObservation.objects.get(quote="TJS", currency="USD").rate == Decimal("9.345")
        assert RateObservation.objects.filter(quote="TMT", currency="USD").count() == 2

    def test_today_reads_the_undated_feed(self, banks):
        """NBKR's latest file is read when fetching today."""
        result = rates_refresh(sources=["nbkr"])
        assert result.fetched == ["nbkr"]
        assert RateObservation.objects.get(quote="KGS", currency="USD").rate == Decimal("87.45")

    def test_twice_is_idempotent(self, banks):
        """Fetching the same day twice changes nothing."""
        rates_refresh(day=date(2026, 5, 18))
        count = RateObservation.objects.count()
        result = rates_refresh(day=date(2026, 5, 18))
        assert result.stored.created == result.stored.corrected == 0
        assert RateObservation.objects.count() == count

    def test_requested_date_in_url(self, banks):
        """The day goes into each dated source's address."""
        rates_refresh(day=date(2026, 5, 18), sources=["nbk", "cbu", "nbt", "cbt"])
        urls = {str(r.url) for r in banks.requests}
        assert "https://nationalbank.kz/rss/get_rates.cfm?fdate=18.05.2026" in urls
        assert "https://cbu.uz/en/arkhiv-kursov-valyut/json/all/2026-05-18/" in urls
        assert "https://cbt.tm/kurs/2026/18052026.xml" in urls
        assert any("export_xml.php?date=2026-05-18" in u for u in urls)

    def test_past_day_skips_undated_feeds(self, banks):
        """NBKR only serves its latest file, so a backfill cannot use it."""
        result = rates_refresh(day=date(2020, 1, 6), sources=["nbkr"])
        assert result.skipped == ["nbkr"] and banks.hits("nbkr") == 0

    def test_default_sources(self):
        """Every configured currency's sources, in order, without the fallback."""
        assert default_sources() == ["nbk", "nbkr", "nbt", "cbu", "cbt", "fixed"]

    def test_peg_covers_tmt_when_cbt_is_down(self, banks):
        """CBT is often unreachable abroad: the peg serves TMT and no fallback is needed."""
        banks.answer("cbt", 503)
        result = rates_refresh()
        assert [e.source for e in result.errors] == ["cbt"]
        assert banks.hits("erapi") == 0


def truncated(body: bytes) -> bytes:
    return body[: len(body) * 2 // 3]


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectTimeout("timed out", request=request)


def without_usd(source: str) -> bytes:
    if source == "nbk":
        text = recorded("nbk").decode("utf-8")
        start = text.index("<item>", text.index("ДОЛЛАР США") - 200)
        end = text.index("</item>", start) + len("</item>")
        return (text[:start] + text[end:]).encode("utf-8")
    return recorded("cbu").replace(b'"Ccy":"USD"', b'"Ccy":"USX"')


def wrong_encoding(source: str) -> bytes:
    if source == "nbk":
        return recorded("nbk").decode("utf-8").encode("cp1251")
    return recorded("cbu").decode("utf-8").encode("utf-16")


FAILURES = {
    "timeout": (lambda source: timeout, "timed out"),
    "HTTP 500": (lambda source: 500, "HTTP 500"),
    "HTML error page": (
        lambda source: b"<!DOCTYPE html><html><title>Error</title><h1>Service unavailable</h1>",
        "HTML page",
    ),
    "empty body": (lambda source: b"", "empty response body"),
    "truncated": (lambda source: truncated(recorded(source)), "malformed"),
    "wrong encoding": (wrong_encoding, "malformed XML|not valid UTF-8"),
    "missing currency": (without_usd, "USD/(KZT|UZS) missing from the list"),
}


class FailureTests:
    """Each failure keeps the last good data, logs the source and problem, uses the fallback."""

    @pytest.mark.parametrize("failure", list(FAILURES))
    @pytest.mark.parametrize(("source", "currency"), [("nbk", "KZT"), ("cbu", "UZS")])
    def test_last_good_data_survives(self, banks, caplog, failure, source, currency):
        rates_refresh(sources=[source])
        good = RateObservation.objects.get(currency="USD", quote=currency, source=source)
        count = RateObservation.objects.filter(source=source).count()
        make_answer, problem = FAILURES[failure]
        banks.answer(source, make_answer(source))

        with caplog.at_level(logging.ERROR, logger="dastan.rates"):
            result = rates_refresh(sources=[source])

        assert [e.source for e in result.errors] == [source]
        again = RateObservation.objects.get(currency="USD", quote=currency, source=source)
        assert (again.rate, again.fetched_at) == (good.rate, good.fetched_at)
        assert RateObservation.objects.filter(source=source).count() == count
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1
        assert f"Rates source {source} failed" in errors[0].getMessage()
        assert re.search(problem, str(result.errors[0]))
        # The fallback was asked, and stored the currency the bank could not give.
        assert banks.hits("erapi") == 1
        assert RateObservation.objects.filter(source="erapi", quote=currency).exists()
        # The ticker still shows the bank's last good rate while it is not stale.
        shown = {t.currency: t for t in ticker_rates_uncached(today=good.rate_date)}
        assert shown[currency].source == source
        assert shown[currency].value == good.nominal / good.rate

    def test_a_parser_bug_in_one_source_does_not_stop_the_others(self, banks, caplog, monkeypatch):
        """An unexpected exception is logged against its source; the rest are fetched."""
        from dastan.rates.providers import get_provider

        def broken(self, *args, **kwargs):
            raise AttributeError("'Decimal' object has no attribute 'strip'")

        monkeypatch.setattr(type(get_provider("nbk")), "parse", broken)
        with caplog.at_level(logging.ERROR, logger="dastan.rates"):
            result = rates_refresh()
        assert [e.source for e in result.errors] == ["nbk"]
        assert "unexpected AttributeError" in str(result.errors[0])
        assert "Rates source nbk failed" in caplog.text
        assert {"nbkr", "cbu", "cbt"} <= set(result.fetched)
        assert RateObservation.objects.filter(quote="KZT", source="erapi").exists()

    def test_fallback_failing_too(self, banks, caplog):
        """When the fallback fails as well, both are logged and nothing is lost."""
        rates_refresh(sources=["nbk"])
        banks.answer("nbk", 500)
        banks.answer("erapi", b'{"result":"error","error-type":"quota-reached"}')
        with caplog.at_level(logging.ERROR, logger="dastan.rates"):
            result = rates_refresh(sources=["nbk"])
        assert [e.source for e in result.errors] == ["nbk", "erapi"]
        assert "Rates source erapi failed: erapi: result 'error': quota-reached" in caplog.text
        assert kzt().rate == Decimal("478.77")

    def test_no_fallback_for_past_days(self, banks):
        """The aggregator only has today's rates, so a backfill never asks it."""
        banks.answer("nbk", 500)
        rates_refresh(day=date(2026, 4, 1), sources=["nbk"])
        assert banks.hits("erapi") == 0

    def test_cache_cleared_on_new_rates(self, banks):
        """New rates clear the cached ticker."""
        services.cache.set(services.TICKER_CACHE_KEY, ["stale"])
        rates_refresh(sources=["nbk"])
        assert services.cache.get(services.TICKER_CACHE_KEY) is None


class DemoTests:
    def test_load_is_idempotent_and_live(self):
        """The demo history fills the ticker up to today, once."""
        created = rates_load_demo()
        assert created == 430
        assert rates_load_demo() == 0
        today = timezone.localdate()
        shown = ticker_rates_uncached(today=today)
        assert [t.currency for t in shown] == ["KZT", "KGS", "TJS", "UZS", "TMT"]
        assert not any(t.stale for t in shown)
        assert shown[0].inverse == Decimal("478.77")

    def test_a_demo_built_on_an_earlier_day_is_replayed_up_to_today(self):
        """Running the demo again a week later moves the history up: the ticker is not stale."""
        from datetime import timedelta

        today = timezone.localdate()
        rates_load_demo(today=today - timedelta(days=7))
        assert rates_load_demo(today=today) == 430
        assert RateObservation.objects.count() == 430
        assert not any(t.stale for t in ticker_rates_uncached(today=today))


class FallbackScopeTests:
    def test_fallback_stores_only_the_currencies_it_stands_in_for(self, banks):
        """A KZT failure stores the aggregator's USD/KZT, not its 160-currency table."""
        banks.answer("nbk", 500)
        rates_refresh(sources=["nbk"])
        stored = set(
            RateObservation.objects.filter(source="erapi").values_list("currency", "quote")
        )
        assert stored == {("USD", "KZT")}


def nbk_usd(description: str, change: str = "-2.77") -> bytes:
    """Return NBK's recorded feed with the USD line's value (and change) replaced."""
    old = b"<description>478.77</description>\n            <quant>1</quant>\n"
    body = recorded("nbk")
    assert old in body
    body = body.replace(old, old.replace(b"478.77", description.encode()))
    return body.replace(b"<change>-2.77</change>", f"<change>{change}</change>".encode())


def cbu_usd(rate: str) -> bytes:
    return recorded("cbu").replace(b'"Rate":"12194.21"', f'"Rate":"{rate}"'.encode())


APRIL_1 = date(2026, 4, 1)


class EdgeValidationTests:
    """Values out of bounds are refused one by one, logged, and the rest of the feed stored."""

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("1e15", "too large: the column holds 14 digits before the point"),
            ("1e-11", "rounds to 0 at 10 decimal places"),
            ("0", "not positive"),
            ("-478.77", "not positive"),
        ],
    )
    def test_out_of_bounds_refused(self, banks, caplog, value, reason):
        banks.answer("nbk", nbk_usd(value))
        with caplog.at_level(logging.ERROR, logger="dastan.rates"):
            result = rates_refresh(sources=["nbk"])
        line = f"nbk USD/KZT {Decimal(value)} per 1 for 2026-04-01 refused: {reason}"
        assert [str(r) for r in result.refused] == [line]
        assert f"Rates: {line}" in caplog.text
        assert not RateObservation.objects.filter(source="nbk", currency="USD").exists()
        assert RateObservation.objects.filter(source="nbk").count() == 38
        # USD/KZT is the ticker's pair: the fallback stands in for it.
        assert RateObservation.objects.filter(source="erapi", quote="KZT").exists()
        assert not result.ok

    def test_jump_refused_unless_accepted(self, banks, caplog):
        """1e9 UZS per USD after 12,194.21 is refused; --accept-jumps stores it as a correction."""
        rates_refresh(sources=["cbu"])
        banks.answer("cbu", cbu_usd("1000000000"))
        result = rates_refresh(sources=["cbu"])
        assert len(result.refused) == 1 and result.refused[0].is_jump
        assert "jump of 82006.1x from the previous stored 12194.21" in str(result.refused[0])
        usd = RateObservation.objects.get(source="cbu", currency="USD")
        assert usd.rate == Decimal("12194.21")
        result = rates_refresh(sources=["cbu"], accept_jumps=True)
        assert result.ok and result.stored.corrected == 1
        usd.refresh_from_db()
        assert usd.rate == Decimal("1000000000")

    def test_jump_measured_against_another_source_when_new(self, banks):
        """With no history of its own, a source is compared with the pair's other sources."""
        rates_store([Rate("USD", "UZS", Decimal("12194.21"), 1, APRIL_1, "erapi")])
        banks.answer("cbu", cbu_usd("1000000000"))
        result = rates_refresh(sources=["cbu"])
        assert [r.rate.currency for r in result.refused] == ["USD"]

    def test_future_date_refused(self, banks):
        """A feed dated 2999 is refused line by line; the bank's clock decides "future"."""
        banks.answer("cbu", recorded("cbu").replace(b"01.04.2026", b"01.01.2999"))
        result = rates_refresh(sources=["cbu"])
        assert len(result.refused) == 75
        assert "dated 2999-01-01, after the source's next business day" in str(result.refused[0])
        assert not RateObservation.objects.filter(source="cbu").exists()

    def test_before_earliest_refused(self, banks):
        banks.answer("cbu", recorded("cbu").replace(b"01.04.2026", b"01.04.1980"))
        result = rates_refresh(sources=["cbu"])
        assert "dated 1980-04-01, before 1992-01-01" in str(result.refused[0])

    def test_bad_change_dropped_rate_kept(self, banks, caplog):
        """A change that implies an impossible previous rate is dropped; the rate is kept."""
        banks.answer("nbk", nbk_usd("478.77", change="1e20"))
        with caplog.at_level(logging.WARNING, logger="dastan.rates"):
            result = rates_refresh(sources=["nbk"])
        assert result.ok
        assert kzt().change is None and kzt().rate == Decimal("478.77")
        assert "nbk USD/KZT change 1E+20 ignored" in caplog.text

    def test_malformed_feed_keeps_last_good(self, banks):
        """A value that is not a number at all fails the feed: nothing of it is stored."""
        rates_refresh(sources=["cbu"])
        banks.answer("cbu", cbu_usd("NaN").replace(b'"Rate":"1', b'"Rate":"x', 1))
        result = rates_refresh(sources=["cbu"])
        assert "not a number" in str(result.errors[0])
        assert RateObservation.objects.get(source="cbu", currency="USD").rate == Decimal("12194.21")


class HealingTests:
    """Rows written around the fetcher never stop a later good fetch (the "cannot heal" bug)."""

    @pytest.mark.parametrize("bad", ["1e15", "1e-11", "0", "-5", "NaN"])
    def test_good_fetch_replaces_a_bad_row(self, banks, caplog, bad):
        if not write_raw("KZT", Decimal(bad), APRIL_1, "nbk"):
            pytest.skip(f"this database refuses {bad} in the column")
        write_raw("KZT", Decimal("478.77"), date(2999, 1, 1), "nbk")
        with caplog.at_level(logging.WARNING, logger="dastan.rates"):
            result = rates_refresh(sources=["nbk"])
        assert result.ok and result.stored.corrected == 1
        assert "nbk replaced the unusable stored USD/KZT for 2026-04-01" in caplog.text
        shown = {t.currency: t for t in ticker_rates_uncached(today=APRIL_1)}
        assert shown["KZT"].inverse == Decimal("478.77")
        assert shown["KZT"].rate_date == APRIL_1
