"""Parsers on every recorded payload in tests/data/rates/, and on broken ones."""

from __future__ import annotations

import socket
import threading
import time
from datetime import date
from decimal import Decimal

import httpx
import pytest

from dastan.rates.providers import ProviderError, Rate, RateProvider, get_provider, names
from dastan.rates.providers.base import BaseProvider, require
from dastan.rates.providers.fixed import FixedProvider, pegs_payload

from .conftest import DATA, recorded


def parse(source: str, path: str, **kwargs) -> dict[str, Rate]:
    rates = get_provider(source).parse((DATA / path).read_bytes(), **kwargs)
    return {r.currency if r.source != "erapi" else r.quote: r for r in rates}


class NBKTests:
    def test_get_rates(self):
        """The dated NBK feed gives KZT per quant units, the bank's change and its date."""
        rates = parse("nbk", "nbk/get_rates_2026-04-01.xml")
        assert len(rates) == 39
        assert "TMT" not in rates
        usd = rates["USD"]
        assert (usd.rate, usd.nominal, usd.change) == (Decimal("478.77"), 1, Decimal("-2.77"))
        assert usd.quote == "KZT" and usd.source == "nbk" and usd.date == date(2026, 4, 1)
        assert usd.previous_rate == Decimal("481.54")
        assert round(usd.inverse, 8) == Decimal("0.00208869")
        assert (rates["KGS"].rate, rates["TJS"].rate) == (Decimal("5.47"), Decimal("50.19"))
        assert (rates["UZS"].rate, rates["UZS"].nominal) == (Decimal("3.93"), 100)
        assert rates["UZS"].per_unit == Decimal("0.0393")
        assert (rates["IRR"].rate, rates["IRR"].nominal) == (Decimal("0.4"), 1000)

    def test_rss_keeps_only_newest_items(self):
        """rates_all.xml: two-digit years, and discontinued currencies with old dates dropped."""
        rates = parse("nbk", "nbk/rates_all_2016-04-18.xml")
        assert {r.date for r in rates.values()} == {date(2016, 4, 18)}
        assert not {"LVL", "EEK", "TRL"} & set(rates)
        assert rates["USD"].rate == Decimal("334.41")
        assert rates["KGS"].rate == Decimal("4.78")
        assert rates["TJS"].rate == Decimal("42.75")
        assert (rates["UZS"].rate, rates["UZS"].nominal) == (Decimal("11.59"), 100)
        assert {r.change for r in rates.values()} == {Decimal("0.00")}

    def test_no_items_means_no_rates(self):
        """A date with no <item> (weekend, holiday) is "nothing set", not an error."""
        body = b"<?xml version='1.0'?><rates><date>28.03.2026</date></rates>"
        assert get_provider("nbk").parse(body) == []


class NBKRTests:
    def test_daily(self):
        """The daily file uses a decimal comma and is dated from the day it applies."""
        rates = parse("nbkr", "nbkr/daily_2026-05-23.xml")
        assert set(rates) == {"USD", "EUR", "CNY", "KZT", "RUB"}
        assert rates["USD"].rate == Decimal("87.4500")
        assert round(rates["USD"].inverse, 8) == Decimal("0.01143511")
        assert rates["EUR"].rate == Decimal("101.5076")
        assert rates["KZT"].rate == Decimal("0.1859")
        assert {r.date for r in rates.values()} == {date(2026, 5, 23)}
        assert {r.change for r in rates.values()} == {None}

    def test_weekly(self):
        """The weekly file has nominal 10 and 100 currencies and the other ticker currencies."""
        rates = parse("nbkr", "nbkr/weekly_2026-05-23.xml")
        assert (rates["JPY"].rate, rates["JPY"].nominal) == (Decimal("5.4969"), 10)
        assert rates["JPY"].per_unit == Decimal("0.54969")
        assert (rates["BYR"].rate, rates["BYR"].nominal) == (Decimal("0.3402"), 100)
        assert rates["TJS"].rate == Decimal("9.4148")
        assert rates["UZS"].rate == Decimal("0.0073")
        assert rates["TMT"].rate == Decimal("24.9857")

    def test_windows_1251_bytes(self):
        """The declared windows-1251 is honoured when the content is not ASCII."""
        body = recorded("nbkr").replace(
            b'Name="Daily Exchange Rates"', 'Name="Курсы"'.encode("cp1251")
        )
        assert len(get_provider("nbkr").parse(body)) == 5


class NBTTests:
    def test_export(self):
        """NBT's ValCurs uses ISO dates, a decimal dot and nominals up to 1000."""
        rates = parse("nbt", "nbt/export_xml_en_2026-05-18.xml", day=date(2026, 5, 18))
        assert len(rates) == 36
        assert rates["USD"].rate == Decimal("9.3450")
        assert round(rates["USD"].inverse, 8) == Decimal("0.10700910")
        assert (rates["UZS"].rate, rates["UZS"].nominal) == (Decimal("0.0780"), 100)
        assert (rates["KGS"].rate, rates["KGS"].nominal) == (Decimal("1.0686"), 10)
        assert (rates["KZT"].rate, rates["KZT"].nominal) == (Decimal("0.1971"), 10)
        assert rates["TMT"].rate == Decimal("2.6700")
        assert rates["USD"].date == date(2026, 5, 18)

    def test_other_date_is_no_rates(self):
        """NBT answers out-of-range dates with today's snapshot: that is not the day asked for."""
        assert get_provider("nbt").parse(recorded("nbt"), day=date(2026, 5, 17)) == []

    def test_windows_1251_fallback(self):
        """A body that is not UTF-8 is read as windows-1251, whatever the prolog says."""
        text = recorded("nbt").decode("utf-8").replace("US Dollar", "Доллар США")
        rates = get_provider("nbt").parse(text.encode("cp1251"))
        assert rates[0].currency == "USD" and rates[0].rate == Decimal("9.3450")


class CBUTests:
    def test_json(self):
        """CBU's values are strings; Diff is the absolute change in UZS."""
        rates = parse("cbu", "cbu/json_all_2026-04-01.json")
        assert len(rates) == 75
        usd = rates["USD"]
        assert (usd.rate, usd.change, usd.date) == (
            Decimal("12194.21"),
            Decimal("-16.5"),
            date(2026, 4, 1),
        )
        assert usd.previous_rate == Decimal("12210.71")
        assert round(usd.inverse, 8) == Decimal("0.00008201")
        assert rates["KZT"].rate == Decimal("25.53")
        assert rates["KGS"].rate == Decimal("139.40")
        assert rates["TJS"].rate == Decimal("1272.88")
        assert rates["TMT"].rate == Decimal("4037.68")
        assert (rates["IDR"].rate, rates["IDR"].nominal) == (Decimal("7.18"), 10)

    def test_json_numbers_as_well_as_strings(self):
        """A feed that writes Rate as a JSON number (not a string) reads the same."""
        from dastan.rates.providers import get_provider

        body = (
            b'[{"Ccy":"USD","Nominal":"1","Rate":12194.21,"Diff":-16.5,'
            b'"Date":"01.04.2026","CcyNm_EN":"US Dollar"}]'
        )
        (usd,) = get_provider("cbu").parse(body)
        assert usd.rate == Decimal("12194.21")


class CBTTests:
    def test_xml(self):
        """CBT's CRLF, tab-indented XML gives TMT per multiplier units from rate_tmt."""
        rates = parse("cbt", "cbt/kurs_20052026.xml")
        assert len(rates) == 48
        assert rates["USD"].rate == Decimal("3.5")
        assert round(rates["USD"].inverse, 8) == Decimal("0.28571429")
        assert (rates["KZT"].rate, rates["KZT"].nominal) == (Decimal("0.7424"), 100)
        assert (rates["KGS"].rate, rates["KGS"].nominal) == (Decimal("4.0023"), 100)
        assert (rates["UZS"].rate, rates["UZS"].nominal) == (Decimal("0.2913"), 1000)
        assert rates["TJS"].rate == Decimal("0.3788")
        assert rates["EUR"].rate == Decimal("4.0649")
        assert (rates["RUB"].rate, rates["RUB"].nominal) == (Decimal("4.9088"), 100)
        assert rates["USD"].date == date(2026, 5, 20)

    def test_iso_date_of_older_files(self):
        """Files from 2020-2023 are reported to date themselves YYYY-MM-DD."""
        body = recorded("cbt").replace(b"<date>20.05.2026</date>", b"<date>2022-05-20</date>")
        assert get_provider("cbt").parse(body)[0].date == date(2022, 5, 20)

    def test_sunday_404_is_no_rates(self):
        """CBT has no Sunday file: a 404 means nothing was published."""
        client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
        assert get_provider("cbt").fetch(date(2026, 5, 24), client) == []


class ERAPITests:
    def test_latest(self):
        """The aggregator gives local units per USD, dated by its last update (UTC)."""
        rates = parse("erapi", "aggregator/open_er_api_latest_USD_2024-01-09.json")
        assert len(rates) == 161
        assert rates["KGS"].rate == Decimal("89.068448")
        assert round(rates["KZT"].inverse, 8) == Decimal("0.00220240")
        assert round(rates["TJS"].inverse, 8) == Decimal("0.09131339")
        assert round(rates["UZS"].inverse, 8) == Decimal("0.00008107")
        assert round(rates["TMT"].inverse, 8) == Decimal("0.28571412")
        assert {(r.currency, r.nominal, r.date) for r in rates.values()} == {
            ("USD", 1, date(2024, 1, 9))
        }

    def test_error_result(self):
        """An error answer names its error type."""
        body = b'{"result":"error","error-type":"unsupported-code"}'
        with pytest.raises(ProviderError, match="unsupported-code"):
            get_provider("erapi").parse(body)


class FixedTests:
    def test_peg(self):
        """The fixed source serves the 3.5 TMT peg from 2015 on, without any network."""
        rates = FixedProvider().fetch(date(2026, 5, 24))
        assert rates == [Rate("USD", "TMT", Decimal("3.5"), 1, date(2026, 5, 24), "fixed")]
        assert FixedProvider().fetch(date(2014, 12, 31)) == []

    def test_parse_and_settings(self, settings):
        """Pegs can come from JSON or from the FIXED setting."""
        provider = FixedProvider()
        rates = provider.parse(pegs_payload({"USD/AED": Decimal("3.6725")}), day=date(2026, 1, 1))
        assert rates[0].rate == Decimal("3.6725") and rates[0].quote == "AED"
        settings.DASTAN_RATES = {"FIXED": {"USD/AED": "3.6725"}}
        assert get_provider("fixed").fetch(date(2026, 1, 1))[0].quote == "AED"


BROKEN = {
    "empty body": (b"", "empty response body"),
    "blank body": (b"  \r\n", "empty response body"),
    "HTML error page": (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML"),
    "not a number": (None, "not a number"),
}


class BrokenPayloadTests:
    @pytest.mark.parametrize("source", ["nbk", "nbkr", "nbt", "cbu", "cbt", "erapi"])
    @pytest.mark.parametrize("case", ["empty body", "blank body", "HTML error page"])
    def test_refused_with_source_named(self, source, case):
        """Empty bodies and HTML pages are refused with the source's name in the message."""
        body, message = BROKEN[case]
        with pytest.raises(ProviderError, match=message) as caught:
            get_provider(source).parse(body)
        assert caught.value.source == source and str(caught.value).startswith(f"{source}: ")

    @pytest.mark.parametrize("source", ["nbk", "nbkr", "nbt", "cbu", "cbt", "erapi"])
    def test_truncated(self, source):
        """A body cut in half is malformed XML or JSON, never a partial list of rates."""
        body = recorded(source)
        with pytest.raises(ProviderError, match="malformed"):
            get_provider(source).parse(body[: len(body) // 2])

    @pytest.mark.parametrize("source", ["nbk", "cbt"])
    def test_wrong_encoding(self, source):
        """Windows-1251 bytes in a document declared UTF-8 are refused, not mis-read."""
        text = recorded(source).decode("utf-8")
        body = text.encode("cp1251", errors="replace").replace(b"USD", "ДОЛ".encode("cp1251"))
        with pytest.raises(ProviderError, match="malformed XML"):
            get_provider(source).parse(body)

    @pytest.mark.parametrize("source", ["cbu", "erapi"])
    def test_json_not_utf8(self, source):
        """JSON must be UTF-8: a UTF-16 body is refused."""
        body = recorded(source).decode("utf-8").encode("utf-16")
        with pytest.raises(ProviderError, match="not valid UTF-8"):
            get_provider(source).parse(body)

    def test_wrong_document(self):
        """Another bank's XML is refused by its root element."""
        with pytest.raises(ProviderError, match="expected a <rates> document"):
            get_provider("nbk").parse(recorded("cbt"))

    def test_bad_number(self):
        """A value that is not a number names the currency and the field."""
        body = recorded("nbkr").replace(b"87,4500", b"N/A")
        with pytest.raises(ProviderError, match=r"USD <Value>: not a number"):
            get_provider("nbkr").parse(body)

    def test_missing_currency(self):
        """``require`` names the pairs a feed lacks."""
        rates = get_provider("nbkr").parse(recorded("nbkr"))
        require(rates, "nbkr", [("USD", "KGS")])
        with pytest.raises(ProviderError, match="nbkr: TJS/KGS missing from the list"):
            require(rates, "nbkr", [("TJS", "KGS")])

    def test_unsafe_xml(self):
        """Entity expansion is refused."""
        body = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rates>&a;</rates>'
        with pytest.raises(ProviderError, match="unsafe XML"):
            get_provider("nbk").parse(body)


class DownloadTests:
    def provider(self, **kwargs) -> BaseProvider:
        provider = get_provider("nbk")
        provider.backoff, provider.retries = 0.5, 2
        provider.sleep = kwargs.get("sleep", lambda s: None)
        return provider

    def test_retries_with_backoff(self):
        """Server errors are retried with doubling waits, then the answer is used."""
        answers = iter([500, 503, 200])
        waits: list[float] = []

        def handler(request):
            status = next(answers)
            return httpx.Response(status, content=recorded("nbk") if status == 200 else b"")

        client = httpx.Client(transport=httpx.MockTransport(handler))
        rates = self.provider(sleep=waits.append).fetch(date(2026, 4, 1), client)
        assert len(rates) == 39 and waits == [0.5, 1.0]

    def test_gives_up(self):
        """Retries are bounded; the error names the source and the last status."""
        calls = []

        def handler(request):
            calls.append(request)
            return httpx.Response(500)

        client = httpx.Client(transport=httpx.MockTransport(handler))
        with pytest.raises(ProviderError, match=r"nbk: HTTP 500 .*gave up after 3 attempts"):
            self.provider().fetch(date(2026, 4, 1), client)
        assert len(calls) == 3

    def test_timeout(self):
        """A timeout is reported as such."""

        def handler(request):
            raise httpx.ReadTimeout("slow", request=request)

        client = httpx.Client(transport=httpx.MockTransport(handler))
        with pytest.raises(ProviderError, match="nbk: timed out fetching"):
            self.provider().fetch(date(2026, 4, 1), client)

    def test_client_error_not_retried(self):
        """A 403 will not change on retry."""
        calls = []

        def handler(request):
            calls.append(request)
            return httpx.Response(403)

        client = httpx.Client(transport=httpx.MockTransport(handler))
        with pytest.raises(ProviderError, match="HTTP 403"):
            self.provider().fetch(date(2026, 4, 1), client)
        assert len(calls) == 1

    def test_url_and_user_agent(self):
        """The date fills the endpoint template, and a browser-like agent is sent (CBT needs it)."""
        seen = []

        def handler(request):
            seen.append(request)
            return httpx.Response(200, content=recorded("cbt"))

        client = httpx.Client(transport=httpx.MockTransport(handler))
        get_provider("cbt").fetch(date(2026, 5, 20), client)
        assert str(seen[0].url) == "https://cbt.tm/kurs/2026/20052026.xml"
        assert seen[0].headers["User-Agent"].startswith("Mozilla/5.0")


class RegistryTests:
    def test_every_provider_follows_the_protocol(self):
        """Each built-in source has a name, a label and the fetch/parse protocol."""
        for name in names():
            provider = get_provider(name)
            assert isinstance(provider, RateProvider)
            assert provider.name == name and provider.label

    def test_env_overrides_url(self, monkeypatch, settings):
        """DASTAN_RATES_URL_<SOURCE> beats the URLS setting, read at call time."""
        settings.DASTAN_RATES = {"URLS": {"nbk": "https://mirror.example/nbk?d={date:%Y%m%d}"}}
        assert (
            get_provider("nbk").build_url(date(2026, 4, 1))
            == "https://mirror.example/nbk?d=20260401"
        )
        monkeypatch.setenv("DASTAN_RATES_URL_NBK", "http://proxy.example/nbk/{date:%d.%m.%Y}")
        assert (
            get_provider("nbk").build_url(date(2026, 4, 1)) == "http://proxy.example/nbk/01.04.2026"
        )
        monkeypatch.setenv("DASTAN_RATES_URL_ERAPI", "http://proxy.example/er")
        assert get_provider("erapi").url == "http://proxy.example/er"

    def test_unknown(self):
        """An unknown source name is a ProviderError listing the known ones."""
        with pytest.raises(ProviderError, match="unknown source; known: cbt, cbu"):
            get_provider("ecb")


class DripServer:
    """A real local HTTP server that sends its headers, then one body byte every ``every`` s."""

    def __init__(self, *, every: float, length: int) -> None:
        self.every, self.length = every, length
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self.serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/rates.xml"

    def serve(self) -> None:
        self.sock.settimeout(5)
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.recv(4096)
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {self.length}\r\n\r\n"
            try:
                conn.sendall(head.encode())
                for _ in range(self.length):
                    if self.stop.wait(self.every):
                        return
                    conn.sendall(b" ")
            except OSError:
                return

    def __enter__(self) -> DripServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.sock.close()
        self.thread.join(5)


class DeadlineTests:
    def test_a_trickling_server_is_cut_at_the_deadline(self):
        """A byte every 0.2 s never trips the 5 s read timeout, but the 1 s deadline cuts it.

        The drip would take 60 s; the fetch gives up long before with a clear error.
        """
        provider = get_provider("nbk")
        provider.deadline, provider.retries = 1.0, 0
        with DripServer(every=0.2, length=300) as server, httpx.Client(timeout=5.0) as client:
            provider.url = server.url
            started = time.monotonic()
            with pytest.raises(ProviderError, match=r"nbk: gave up on http://127\.0\.0\.1:\d+/"):
                provider.fetch(date(2026, 4, 1), client)
            assert time.monotonic() - started < 30

    def test_deadline_message(self):
        """The error says the deadline ran out, and how much had arrived."""
        provider = get_provider("nbk")
        provider.deadline, provider.retries = 0.5, 0
        with DripServer(every=0.1, length=300) as server, httpx.Client(timeout=5.0) as client:
            provider.url = server.url
            with pytest.raises(ProviderError, match=r"at the 0\.5 s deadline \([\d,]+ bytes"):
                provider.fetch(date(2026, 4, 1), client)

    def test_retries_and_waits_count_against_the_deadline(self):
        """No retry starts once its backoff wait would pass the deadline."""
        now = [0.0]
        calls = []

        def handler(request):
            calls.append(request)
            return httpx.Response(503)

        provider = get_provider("nbk")
        provider.deadline, provider.retries, provider.backoff = 3.0, 5, 2.0
        provider.clock = lambda: now[0]
        provider.sleep = lambda seconds: now.__setitem__(0, now[0] + seconds)
        client = httpx.Client(transport=httpx.MockTransport(handler))
        with pytest.raises(ProviderError, match=r"at the 3 s deadline \(HTTP 503"):
            provider.fetch(date(2026, 4, 1), client)
        # Attempt at 0 s, wait 2 s, attempt at 2 s; the next wait (4 s) would end past 3 s.
        assert len(calls) == 2

    def test_each_wait_is_capped_by_what_is_left(self):
        """The per-phase timeouts sent with a request never exceed the time left."""
        seen = []

        def handler(request):
            seen.append(request.extensions["timeout"])
            return httpx.Response(200, content=recorded("nbk"))

        provider = get_provider("nbk")
        provider.deadline = 2.0
        client = httpx.Client(transport=httpx.MockTransport(handler), timeout=10.0)
        assert len(provider.fetch(date(2026, 4, 1), client)) == 39
        assert 0 < seen[0]["read"] <= 2.0 and 0 < seen[0]["connect"] <= 2.0

    def test_deadline_from_settings(self, settings):
        settings.DASTAN_RATES = {"DEADLINE": 7.5}
        assert get_provider("cbu").deadline == 7.5
