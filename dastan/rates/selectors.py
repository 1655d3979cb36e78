"""Reads: the ticker's rates and each currency's history, from the database only.

Stored rows are read as text and checked against ``validation``'s bounds before any
arithmetic: a row written around the fetcher (raw SQL, an old database) that overflows
the column, is zero or negative, or is dated in the future is skipped with a warning,
so it can never take a page down nor be shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext

from dastan.rates import conf, formatting, validation
from dastan.rates.models import RateObservation
from dastan.rates.providers import ProviderError, Rate, provider_class

logger = logging.getLogger("dastan.rates")

TICKER_CACHE_KEY = "dastan:rates:ticker"
MARKETS_CACHE_KEY = "dastan:rates:markets"


def markets_cache_key(edition: str) -> str:
    """Return the markets table's cache key in ``edition`` (its chart labels are words)."""
    return f"{MARKETS_CACHE_KEY}:{edition}"


# A source that publishes nothing for this long is not on a holiday: it has stopped.
MAX_GAP_DAYS = 14
# The ticker looks this far back through a source's newest rows for a usable one.
RECENT_ROWS = 30
# The ticker reads every source's rows of this many days at once (a daily rate and its
# previous one, across a weekend or a short holiday); a source without two is read alone.
TICKER_WINDOW_DAYS = 7


@dataclass(frozen=True)
class TickerRate:
    """One currency as the ticker shows it: ``value`` units of ``quote`` per one ``currency``."""

    currency: str
    quote: str
    value: Decimal
    inverse: Decimal
    change: Decimal | None
    rate_date: date
    source: str
    stale: bool

    @property
    def pair(self) -> str:
        return f"{self.currency}/{self.quote}"

    @property
    def value_plain(self) -> str:
        """Return the shown value for machines: no grouping, a decimal point ("0.002089")."""
        return self._value_text().replace(",", "")

    @property
    def value_display(self) -> str:
        return local_number(self._value_text())

    def _value_text(self) -> str:
        return formatting.format_value(
            self.value,
            decimals=conf.rates_setting("DECIMALS"),
            min_significant=conf.rates_setting("MIN_SIGNIFICANT"),
        )

    @property
    def amount_display(self) -> str:
        """Return local units per one quote unit ("12,905.32"; "12 905,32" in Russian)."""
        return local_number(formatting.format_amount(self.inverse))

    @property
    def inverse_display(self) -> str:
        """Return "1 USD = 12,905.32 UZS"."""
        return f"1 {self.quote} = {self.amount_display} {self.currency}"

    @property
    def change_display(self) -> str:
        return local_number(formatting.format_change(self.change))

    @property
    def source_label(self) -> str:
        """Return the source's name in the active language (read at render, not cached)."""
        return source_label(self.source)

    @property
    def direction(self) -> str:
        return formatting.direction(self.change)

    @property
    def date_display(self) -> str:
        # "E" is the month as a date needs it: "3 апреля 2025" in Russian, "3 April 2025".
        return date_format(self.rate_date, "j E Y")

    @property
    def title(self) -> str:
        """Return the tooltip: the other direction, the source and the date."""
        return gettext("%(inverse)s. %(source)s, rate for %(date)s") % {
            "inverse": self.inverse_display,
            "source": self.source_label,
            "date": self.date_display,
        }


@dataclass(frozen=True)
class HistoryPoint:
    """One day of a currency's history."""

    date: date
    value: Decimal
    rate: Decimal
    nominal: int
    source: str


@dataclass(frozen=True)
class StoredRate:
    """One stored row as read back: ``rate`` is None when the stored value is unusable."""

    pk: int
    currency: str
    quote: str
    rate: Decimal | None
    nominal: int
    rate_date: date
    source: str
    change: Decimal | None
    raw: str
    problem: str | None = None

    @property
    def per_unit(self) -> Decimal:
        """Return ``quote`` units for one unit of ``currency`` (a usable row only)."""
        assert self.rate is not None
        return self.rate / self.nominal


def stored_decimal(text: object) -> Decimal | None:
    """Read a decimal stored as text, rounded as the column rounds it; None if unreadable."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return value
    return validation.column_round(value)


def stored_rows(queryset: QuerySet, *, limit: int | None = None) -> list[StoredRate]:
    """Return the rows of ``queryset`` with every problem named, never raising on a bad value.

    The ORM's decimal converter raises on a value that overflows the column, so the
    rate and change are cast to text in SQL and read here.
    """
    rows = queryset.annotate(
        rate_text=Cast("rate", CharField()), change_text=Cast("change", CharField())
    ).values(
        "pk", "currency", "quote", "nominal", "rate_date", "source", "rate_text", "change_text"
    )
    if limit is not None:
        rows = rows[:limit]
    read = []
    for row in rows:
        rate = stored_decimal(row["rate_text"])
        problem = (
            "unreadable value" if rate is None else validation.value_problem(rate, row["nominal"])
        )
        change = None
        if row["change_text"] is not None and rate is not None and problem is None:
            change = stored_decimal(row["change_text"])
            if change is None or validation.change_problem(rate, change):
                change = None
        read.append(
            StoredRate(
                pk=row["pk"],
                currency=row["currency"],
                quote=row["quote"],
                rate=None if problem else rate,
                nominal=row["nominal"],
                rate_date=row["rate_date"],
                source=row["source"],
                change=change,
                raw=str(row["rate_text"]),
                problem=problem,
            )
        )
    return read


def usable(rows: Iterable[StoredRate], *, today: date | None = None) -> list[StoredRate]:
    """Return the rows fit to show, logging a warning for each one skipped and why."""
    check = _row_check(today=today)
    kept = []
    for row in rows:
        problem = check(row)
        if problem:
            logger.warning(
                "Rates: ignoring stored %s %s/%s %s per %s for %s: %s",
                row.source,
                row.currency,
                row.quote,
                row.raw,
                row.nominal,
                row.rate_date,
                problem,
            )
            continue
        kept.append(row)
    return kept


def _row_check(*, today: date | None) -> Callable[[StoredRate], str | None]:
    """Return a function naming a stored row's problem (value or date), None when usable."""
    earliest = earliest_date()
    latest: dict[str, date] = {}

    def check(row: StoredRate) -> str | None:
        if row.source not in latest:
            latest[row.source] = latest_rate_date(row.source, today=today)
        return row.problem or validation.date_problem(
            row.rate_date, earliest=earliest, latest=latest[row.source]
        )

    return check


def earliest_date() -> date:
    """Return the earliest plausible rate date (the EARLIEST_DATE setting)."""
    return date.fromisoformat(str(conf.rates_setting("EARLIEST_DATE")))


def source_today(name: str, *, now: datetime | None = None) -> date:
    """Return today's date on ``name``'s own clock (Almaty for NBK)."""
    try:
        zone = ZoneInfo(provider_class(name).time_zone)
    except (ProviderError, AttributeError, ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return (now or timezone.now()).astimezone(zone).date()


def latest_rate_date(name: str, *, today: date | None = None) -> date:
    """Return the latest date ``name`` can have set a rate for: its next business day.

    NBK sets on Friday the rate for Monday, so a rate may be dated ahead of today,
    but never past the bank's next business day (``today`` is the bank's date).
    """
    day = (today or source_today(name)) + timedelta(days=1)
    for _ in range(MAX_GAP_DAYS):
        if is_business_day(name, day):
            break
        day += timedelta(days=1)
    return day


def previous_rate(rate: Rate) -> Decimal | None:
    """Return the stored per-unit rate to compare a fetched ``rate`` with, or None.

    The source's own nearest rate on or before the date (a correction compares with the
    value it replaces), else its nearest after it (a backfill), else any other source's
    latest rate for the pair.
    """
    pair = RateObservation.objects.filter(currency=rate.currency, quote=rate.quote)
    own = pair.filter(source=rate.source)
    for queryset in (
        own.filter(rate_date__lte=rate.date).order_by("-rate_date"),
        own.filter(rate_date__gt=rate.date).order_by("rate_date"),
        pair.exclude(source=rate.source).filter(rate_date__lte=rate.date).order_by("-rate_date"),
    ):
        rows = usable(stored_rows(queryset, limit=RECENT_ROWS))
        if rows:
            return rows[0].per_unit
    return None


def local_number(text: str) -> str:
    """Return a number formatted by ``formatting`` with the active language's separators."""
    return formatting.localize_number(
        text, decimal=get_format("DECIMAL_SEPARATOR"), thousands=get_format("THOUSAND_SEPARATOR")
    )


def source_label(name: str) -> str:
    """Return a source's human name ("National Bank of Kazakhstan") in the active language."""
    try:
        return str(provider_class(name).label or name)
    except ProviderError:
        return name


def is_business_day(name: str, day: date) -> bool:
    """Say whether ``name`` normally sets a rate for ``day`` (weekends and holidays excluded)."""
    try:
        provider = provider_class(name)
    except ProviderError:
        return True
    extra = {str(d) for d in conf.rates_setting("HOLIDAYS").get(name, [])}
    return (
        day.weekday() in provider.business_days
        and (day.month, day.day) not in provider.holidays
        and day.isoformat() not in extra
    )


def is_stale(name: str, rate_date: date, *, today: date) -> bool:
    """Say whether a newer rate should exist: a business day passed between it and today.

    Today itself is not counted, since a day's rate may not be out yet.
    """
    cursor = rate_date + timedelta(days=1)
    while cursor < today:
        if is_business_day(name, cursor) or (cursor - rate_date).days > MAX_GAP_DAYS:
            return True
        cursor += timedelta(days=1)
    return False


def value_of(rate: Decimal, nominal: int) -> Decimal:
    """Return quote units per one local unit from "``rate`` local units per ``nominal``"."""
    return Decimal(nominal) / rate


def ticker_entry(
    currency: str, *, today: date, recent: dict[tuple[str, str], list[StoredRate]] | None = None
) -> TickerRate | None:
    """Pick the best fresh source for ``currency``; if all are stale, the newest rate.

    Only usable rows count: a source whose newest row is bad shows its last good one.
    ``recent`` holds rows already read by ``_recent_rows``.
    """
    quote = conf.rates_setting("QUOTE")
    candidates: list[tuple[list[StoredRate], bool]] = []
    for name in conf.currency_sources(currency):
        rows = (recent or {}).get((currency, name)) or _newest_usable(
            currency, name, quote=quote, today=today
        )
        if not rows:
            continue
        stale = is_stale(name, rows[0].rate_date, today=today)
        if not stale:
            candidates = [(rows, False)]
            break
        candidates.append((rows, True))
    if not candidates:
        return None
    # Among stale rates, the newest wins; earlier sources win ties (max keeps the first).
    rows, stale = max(candidates, key=lambda pair: pair[0][0].rate_date)
    latest = rows[0]
    assert latest.rate is not None
    return TickerRate(
        currency=currency,
        quote=quote,
        value=value_of(latest.rate, latest.nominal),
        inverse=latest.per_unit,
        change=change_of(latest, rows[1] if len(rows) > 1 else None),
        rate_date=latest.rate_date,
        source=latest.source,
        stale=stale,
    )


def _recent_rows(
    currencies: list[str], *, quote: str, today: date
) -> dict[tuple[str, str], list[StoredRate]]:
    """Return the two newest rows of each currency and source, when both are usable and recent.

    One query for the whole ticker, instead of one per currency and source: each query's
    building cost more than its rows (about 0.8 ms each, issue #15). Only rows of the last
    ``TICKER_WINDOW_DAYS`` are read, so the cost does not grow with the rates' history; a
    source with fewer than two such rows, or a bad one among them, is left out, and
    ``ticker_entry`` reads it alone as before.
    """
    sources = {name for currency in currencies for name in conf.currency_sources(currency)}
    window = RateObservation.objects.filter(
        currency=quote,
        quote__in=currencies,
        source__in=sources,
        rate_date__gte=today - timedelta(days=TICKER_WINDOW_DAYS),
    ).order_by("quote", "source", "-rate_date")
    newest: dict[tuple[str, str], list[StoredRate]] = {}
    for row in stored_rows(window):
        rows = newest.setdefault((row.quote, row.source), [])
        if len(rows) < 2:
            rows.append(row)
    check = _row_check(today=today)
    return {
        pair: rows
        for pair, rows in newest.items()
        if len(rows) == 2 and not any(check(row) for row in rows)
    }


def _newest_usable(currency: str, source: str, *, quote: str, today: date) -> list[StoredRate]:
    """Return the usable rows among ``source``'s newest ``RECENT_ROWS`` for ``currency``.

    The ticker needs the first two only, and they are nearly always fine: two rows are
    read first, and the ``RECENT_ROWS`` (with a warning per row skipped) only when one of
    them is not. Reading and checking thirty rows per currency on every page was about a
    third of a cold listing's ticker cost (issue #15).
    """
    recent = RateObservation.objects.filter(currency=quote, quote=currency, source=source)
    recent = recent.order_by("-rate_date")
    first = stored_rows(recent, limit=2)
    check = _row_check(today=today)
    if not any(check(row) for row in first):
        return first
    return usable(stored_rows(recent, limit=RECENT_ROWS), today=today)


def change_of(latest: StoredRate, before: StoredRate | None) -> Decimal | None:
    """Return the change of one local unit's value against the previous official rate.

    The bank's own change field wins when it has one (it knows the previous official
    rate even if a fetch was missed); otherwise the previous usable stored rate is used.
    """
    assert latest.rate is not None
    if latest.change is not None:
        return formatting.inverse_change_percent(latest.rate - latest.change, latest.rate)
    if before is None:
        return None
    return formatting.inverse_change_percent(before.per_unit, latest.per_unit)


def ticker_rates_uncached(*, today: date | None = None) -> list[TickerRate]:
    """Return the ticker's rates in the configured order, skipping currencies with none."""
    today = today or timezone.localdate()
    currencies = conf.rates_setting("CURRENCIES")
    recent = _recent_rows(currencies, quote=conf.rates_setting("QUOTE"), today=today)
    entries = (ticker_entry(c, today=today, recent=recent) for c in currencies)
    return [entry for entry in entries if entry is not None]


def ticker_rates() -> list[TickerRate]:
    """Return the ticker's rates from the cache, filled from the database when empty."""
    rates = cache.get(TICKER_CACHE_KEY)
    if rates is None:
        rates = ticker_rates_uncached()
        cache.set(TICKER_CACHE_KEY, rates, conf.rates_setting("CACHE_TIMEOUT"))
    return rates


def currency_history(
    currency: str, *, days: int | None = None, today: date | None = None
) -> list[HistoryPoint]:
    """Return up to ``days`` days of ``currency`` from the ticker's source, oldest first.

    One source per series, so that an official rate and a market rate never alternate.
    """
    today = today or timezone.localdate()
    days = days or conf.rates_setting("HISTORY_DAYS")
    quote = conf.rates_setting("QUOTE")
    entry = ticker_entry(currency, today=today)
    names = [entry.source] if entry else conf.currency_sources(currency)
    for name in names:
        window = RateObservation.objects.filter(
            currency=quote,
            quote=currency,
            source=name,
            rate_date__gt=today - timedelta(days=days),
            rate_date__lte=latest_rate_date(name, today=today),
        ).order_by("rate_date")
        points = _history_points(stored_rows(window), today=today)
        if points:
            return points
    return []


def currency_histories(
    rates: list[TickerRate], *, days: int | None = None, today: date | None = None
) -> dict[str, list[HistoryPoint]]:
    """Return each ticker rate's history from its own source, oldest first, in one query.

    The markets page draws every currency's history: read one currency at a time, with
    the ticker's choice of source made again for each, it cost 10 ms of every cold
    markets page (issue #15). The same rows as ``currency_history`` per rate.
    """
    today = today or timezone.localdate()
    days = days or conf.rates_setting("HISTORY_DAYS")
    window = RateObservation.objects.filter(
        currency=conf.rates_setting("QUOTE"),
        quote__in=[rate.currency for rate in rates],
        source__in={rate.source for rate in rates},
        rate_date__gt=today - timedelta(days=days),
    ).order_by("rate_date")
    rows: dict[tuple[str, str], list[StoredRate]] = {}
    for row in stored_rows(window):
        rows.setdefault((row.quote, row.source), []).append(row)
    histories = {}
    for rate in rates:
        latest = latest_rate_date(rate.source, today=today)
        own = [row for row in rows.get((rate.currency, rate.source), []) if row.rate_date <= latest]
        histories[rate.currency] = _history_points(own, today=today)
    return histories


def _history_points(rows: Iterable[StoredRate], *, today: date) -> list[HistoryPoint]:
    return [
        HistoryPoint(
            date=row.rate_date,
            value=value_of(row.rate, row.nominal),
            rate=row.rate,
            nominal=row.nominal,
            source=row.source,
        )
        for row in usable(rows, today=today)
        if row.rate is not None
    ]
