"""Recorded bank responses served through ``httpx.MockTransport``: the network is never reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx
import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

DATA = Path(__file__).parents[1] / "data" / "rates"

RECORDED = {
    "nbk": DATA / "nbk" / "get_rates_2026-04-01.xml",
    "nbkr": DATA / "nbkr" / "daily_2026-05-23.xml",
    "nbt": DATA / "nbt" / "export_xml_en_2026-05-18.xml",
    "cbu": DATA / "cbu" / "json_all_2026-04-01.json",
    "cbt": DATA / "cbt" / "kurs_20052026.xml",
    "erapi": DATA / "aggregator" / "open_er_api_latest_USD_2024-01-09.json",
}
HOSTS = {
    "nationalbank.kz": "nbk",
    "www.nbkr.kg": "nbkr",
    "www.nbt.tj": "nbt",
    "cbu.uz": "cbu",
    "cbt.tm": "cbt",
    "open.er-api.com": "erapi",
}

Responder = Callable[[httpx.Request], httpx.Response]


def recorded(source: str) -> bytes:
    """Return the recorded body for ``source``."""
    return RECORDED[source].read_bytes()


class Banks:
    """A fake internet of central banks: recorded answers unless a test overrides a source."""

    def __init__(self) -> None:
        self.overrides: dict[str, Responder] = {}
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        source = HOSTS.get(request.url.host)
        if source is None:
            return httpx.Response(502, text="unexpected host")
        if source in self.overrides:
            return self.overrides[source](request)
        return httpx.Response(200, content=recorded(source))

    def answer(self, source: str, responder: Responder | bytes | int) -> None:
        """Make ``source`` answer with a body, a status code, or a function of the request."""
        if isinstance(responder, bytes):
            self.overrides[source] = lambda request: httpx.Response(200, content=responder)
        elif isinstance(responder, int):
            self.overrides[source] = lambda request: httpx.Response(responder, text="error")
        else:
            self.overrides[source] = responder

    def hits(self, source: str) -> int:
        return sum(1 for r in self.requests if HOSTS.get(r.url.host) == source)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))


@pytest.fixture
def banks(monkeypatch: pytest.MonkeyPatch, settings) -> Banks:
    """Route every rates HTTP request to recorded responses; retry without waiting."""
    settings.DASTAN_RATES = {"RETRIES": 1, "BACKOFF": 0}
    fake = Banks()
    monkeypatch.setattr("dastan.rates.services.rates_client", fake.client)
    monkeypatch.setattr("dastan.rates.management.commands.rates.rates_client", fake.client)
    return fake


def write_raw(
    quote: str,
    rate: object,
    day: date,
    source: str,
    *,
    nominal: int = 1,
    change: object = None,
    currency: str = "USD",
) -> bool:
    """Write one row with SQL, around the fetcher's checks (an old database, a hand edit).

    Return False when the database itself refused the value (PostgreSQL's numeric(24, 10)
    refuses 1e15; SQLite takes anything).
    """
    sql = (
        "INSERT INTO rates_rateobservation"
        " (currency, quote, rate, nominal, rate_date, source, change, fetched_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    params = [currency, quote, rate, nominal, day, source, change, timezone.now()]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except (DatabaseError, ValueError, ArithmeticError):
        return False
    return True


def delete_raw() -> None:
    """Delete every rate with SQL: the ORM's delete would load (and choke on) bad values."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM rates_ratecorrection")
        cursor.execute("DELETE FROM rates_rateobservation")
