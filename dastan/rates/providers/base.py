"""The provider interface: fetch one source's feed for a day and parse it into ``Rate`` objects.

Providers fetch and parse; ``dastan.rates.services`` stores. The shape follows
``django/core/mail/backends/``: this module, one module per source, and an
in-memory ``fixed.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol, runtime_checkable
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

# CBT answers 403 to default command-line agents (see tests/data/rates/README.md).
USER_AGENT = "Mozilla/5.0 (compatible; Dastan rates fetcher; +https://github.com/dastan)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# The largest feed is NBK's at about 12 KB; anything near this is not a rates feed.
MAX_BODY_BYTES = 5_000_000


class ProviderError(Exception):
    """A source could not be read: says which source and what went wrong."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


@dataclass(frozen=True)
class Rate:
    """``rate`` units of ``quote`` buy ``nominal`` units of ``currency``, as set for ``date``.

    NBK's USD line is ``Rate("USD", "KZT", Decimal("478.77"), 1, date(2026, 4, 1), "nbk")``.
    ``change`` is the bank's own absolute change per ``nominal`` units, when it publishes one.
    """

    currency: str
    quote: str
    rate: Decimal
    nominal: int
    date: date
    source: str
    change: Decimal | None = None

    @property
    def per_unit(self) -> Decimal:
        """Return ``quote`` units for one unit of ``currency`` (KZT per 1 USD)."""
        return self.rate / self.nominal

    @property
    def inverse(self) -> Decimal:
        """Return ``currency`` units for one unit of ``quote`` (USD per 1 KZT)."""
        return self.nominal / self.rate

    @property
    def previous_rate(self) -> Decimal | None:
        """Return the rate before this one, derived from the bank's change field."""
        return None if self.change is None else self.rate - self.change


@runtime_checkable
class RateProvider(Protocol):
    """One source of official rates."""

    name: str
    label: str
    quote: str
    dated: bool

    def fetch(self, day: date, client: httpx.Client) -> list[Rate]:
        """Download and parse the rates set for ``day``."""

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Parse one response body; ``day`` is the date that was asked for, if any."""


class BaseProvider:
    """Shared plumbing: URL building, HTTP with retries, number and date parsing."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # The currency the bank quotes everything in (KZT for NBK).
    quote: ClassVar[str] = ""
    # False when the feed has no date parameter and always answers with the latest rates.
    dated: ClassVar[bool] = True
    default_url: ClassVar[str] = ""
    # A 404 means "nothing published for that day" (CBT has no Sunday file).
    missing_is_empty: ClassVar[bool] = False
    # Weekdays (Monday is 0) the source sets rates for, and its fixed-date public
    # holidays as (month, day). Eid dates move: they come from the HOLIDAYS setting.
    business_days: ClassVar[frozenset[int]] = frozenset(range(5))
    holidays: ClassVar[frozenset[tuple[int, int]]] = frozenset()
    # The bank's own clock: "today" and its next business day are counted there.
    time_zone: ClassVar[str] = "UTC"

    def __init__(
        self,
        *,
        url: str | None = None,
        retries: int = 2,
        backoff: float = 0.5,
        deadline: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url or self.default_url
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.sleep = sleep
        self.clock = clock

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # Fetching

    def build_url(self, day: date) -> str:
        """Fill ``{date:%d.%m.%Y}``-style placeholders of the endpoint template."""
        return self.url.format(date=day)

    def fetch(self, day: date, client: httpx.Client) -> list[Rate]:
        """Download the feed for ``day`` and parse it, all within ``deadline`` seconds."""
        payload = self.download(self.build_url(day), client, expires=self.expires())
        if payload is None:
            return []
        return self.parse(payload, day=day if self.dated else None)

    def expires(self) -> float | None:
        """Return the clock reading a fetch starting now must end by, or None for no deadline."""
        return None if not self.deadline else self.clock() + self.deadline

    def download(
        self, url: str, client: httpx.Client, *, expires: float | None = None
    ) -> bytes | None:
        """GET ``url`` with bounded retries and exponential backoff; None for a 404 "no file".

        ``expires`` bounds the whole download, waits and retries included: httpx's
        timeout bounds each read, so a server dripping a byte every few seconds would
        otherwise hold the fetch for as long as it likes.
        """
        attempts = self.retries + 1
        problem = ""
        for attempt in range(attempts):
            if attempt:
                wait = self.backoff * 2 ** (attempt - 1)
                if expires is not None and self.clock() + wait >= expires:
                    raise self.past_deadline(url, problem)
                self.sleep(wait)
            try:
                status, body = self.get(url, client, expires)
            except httpx.TimeoutException as exc:
                problem = f"timed out fetching {url} ({type(exc).__name__})"
                continue
            except httpx.HTTPError as exc:
                problem = f"could not fetch {url} ({type(exc).__name__}: {exc})"
                continue
            if status == 404 and self.missing_is_empty:
                return None
            if status < 400:
                return body
            problem = f"HTTP {status} from {url}"
            if status not in RETRY_STATUSES:
                raise self.fail(problem)
        if expires is not None and self.clock() >= expires:
            raise self.past_deadline(url, problem)
        raise self.fail(f"{problem} (gave up after {attempts} attempts)")

    def get(self, url: str, client: httpx.Client, expires: float | None) -> tuple[int, bytes]:
        """Stream one GET, checking the deadline after every chunk; return status and body."""
        timeout = client.timeout
        if expires is not None:
            remaining = expires - self.clock()
            if remaining <= 0:
                raise self.past_deadline(url, "")
            timeout = capped(timeout, remaining)
        headers = {"User-Agent": USER_AGENT}
        with client.stream("GET", url, headers=headers, timeout=timeout) as response:
            if response.status_code >= 400:
                return response.status_code, b""
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise self.fail(f"{url} sent more than {MAX_BODY_BYTES:,} bytes")
                if expires is not None and self.clock() >= expires:
                    raise self.past_deadline(url, f"{len(body):,} bytes received")
            return response.status_code, bytes(body)

    def past_deadline(self, url: str, problem: str) -> ProviderError:
        """Return the error for a fetch that ran out of its total time."""
        detail = f" ({problem})" if problem else ""
        limit = f"{self.deadline:g} s " if self.deadline else ""
        return self.fail(f"gave up on {url} at the {limit}deadline{detail}")

    # Parsing helpers

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        raise NotImplementedError

    def fail(self, problem: str) -> ProviderError:
        """Return a ``ProviderError`` for this source."""
        return ProviderError(self.name, problem)

    def check_body(self, payload: bytes) -> bytes:
        """Reject empty bodies and HTML error pages before a parser sees them."""
        head = payload.lstrip()[:200].lower()
        if not head:
            raise self.fail("empty response body")
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            raise self.fail("got an HTML page instead of the rates feed")
        return payload

    def xml_root(self, payload: bytes | str, tag: str) -> Element:
        """Parse XML safely and check the root element's name."""
        if isinstance(payload, bytes):
            self.check_body(payload)
        try:
            root = ElementTree.fromstring(payload)
        except ParseError as exc:
            raise self.fail(f"malformed XML ({exc})") from exc
        except DefusedXmlException as exc:
            raise self.fail(f"refused unsafe XML ({type(exc).__name__})") from exc
        if root.tag != tag:
            raise self.fail(f"expected a <{tag}> document, got <{root.tag}>")
        return root

    def json_body(self, payload: bytes) -> Any:
        """Parse JSON as strict UTF-8 with every number as a ``Decimal``."""
        self.check_body(payload)
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail(f"body is not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
        try:
            return json.loads(text, parse_float=Decimal, parse_int=Decimal)
        except json.JSONDecodeError as exc:
            raise self.fail(f"malformed JSON ({exc})") from exc

    def read_decimal(self, text: str | Decimal | None, what: str) -> Decimal:
        """Read a number written with a decimal point or comma; reject anything else.

        JSON feeds may hand over a number already parsed (as a Decimal).
        """
        cleaned = _as_text(text).strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise self.fail(f"{what}: not a number: {text!r}") from None
        if not value.is_finite():
            raise self.fail(f"{what}: not a number: {text!r}")
        return value

    def read_rate(self, text: str | None, what: str) -> Decimal:
        """Read a rate as a finite number.

        Its bounds (positive, fits the column, near the previous rate, plausible date) are
        checked per rate by ``dastan.rates.validation`` before storing, so one bad line
        is refused while the rest of the feed is kept.
        """
        return self.read_decimal(text, what)

    def read_nominal(self, text: str | None, what: str) -> int:
        """Read a nominal (1, 10, 100, 1000 or 10000 units)."""
        value = self.read_decimal(text, what)
        if value <= 0 or value != value.to_integral_value():
            raise self.fail(f"{what}: bad nominal {text!r}")
        return int(value)

    def read_date(self, text: str | None, what: str, formats: Iterable[str]) -> date:
        """Read a date in one of ``formats``."""
        cleaned = _as_text(text).strip()
        for fmt in formats:
            try:
                return datetime.strptime(cleaned, fmt).date()
            except ValueError:
                continue
        raise self.fail(f"{what}: unreadable date {text!r}")

    def read_code(self, text: str | None, what: str) -> str:
        """Read an ISO 4217 alpha code."""
        cleaned = _as_text(text).strip().upper()
        if len(cleaned) != 3 or not cleaned.isalpha():
            raise self.fail(f"{what}: bad currency code {text!r}")
        return cleaned

    def rates_or_fail(self, rates: list[Rate]) -> list[Rate]:
        """Refuse a document that parsed but held no rates."""
        if not rates:
            raise self.fail("the feed holds no rates")
        return rates


def capped(timeout: httpx.Timeout, seconds: float) -> httpx.Timeout:
    """Return ``timeout`` with no phase allowed longer than ``seconds``."""

    def cap(value: float | None) -> float:
        return seconds if value is None else min(value, seconds)

    return httpx.Timeout(
        connect=cap(timeout.connect),
        read=cap(timeout.read),
        write=cap(timeout.write),
        pool=cap(timeout.pool),
    )


def fixed_holidays(days: str) -> frozenset[tuple[int, int]]:
    """Read ``"01-01 03-21"`` (MM-DD, space separated) into ``{(1, 1), (3, 21)}``."""
    return frozenset((int(d[:2]), int(d[3:])) for d in days.split())


def require(rates: Iterable[Rate], source: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Raise ``ProviderError`` when a needed ``(currency, quote)`` pair is missing from a feed."""
    present = {(r.currency, r.quote) for r in rates}
    missing = [f"{c}/{q}" for c, q in pairs if (c, q) not in present]
    if missing:
        raise ProviderError(source, f"{', '.join(missing)} missing from the list")


def _as_text(value: object) -> str:
    """Return a feed value as text: a JSON number arrives as a Decimal, a missing one as None."""
    return "" if value is None else str(value)
