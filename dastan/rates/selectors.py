"""Reads: the ticker's rates and each currency's history, from the database only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format

from dastan.rates import conf, formatting
from dastan.rates.models import RateObservation
from dastan.rates.providers import ProviderError, get_provider
from dastan.rates.services import TICKER_CACHE_KEY

# A source that publishes nothing for this long is not on a holiday: it has stopped.
MAX_GAP_DAYS = 14


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
    source_label: str
    stale: bool

    @property
    def pair(self) -> str:
        return f"{self.currency}/{self.quote}"

    @property
    def value_display(self) -> str:
        return formatting.format_value(
            self.value,
            decimals=conf.rates_setting("DECIMALS"),
            min_significant=conf.rates_setting("MIN_SIGNIFICANT"),
        )

    @property
    def amount_display(self) -> str:
        """Return local units per one quote unit ("12,905.32")."""
        return formatting.format_amount(self.inverse)

    @property
    def inverse_display(self) -> str:
        """Return "1 USD = 12,905.32 UZS"."""
        return f"1 {self.quote} = {self.amount_display} {self.currency}"

    @property
    def change_display(self) -> str:
        return formatting.format_change(self.change)

    @property
    def direction(self) -> str:
        return formatting.direction(self.change)

    @property
    def date_display(self) -> str:
        return date_format(self.rate_date, "j F Y")

    @property
    def title(self) -> str:
        """Return the tooltip: the other direction, the source and the date."""
        return f"{self.inverse_display}. {self.source_label}, rate for {self.date_display}"


@dataclass(frozen=True)
class HistoryPoint:
    """One day of a currency's history."""

    date: date
    value: Decimal
    rate: Decimal
    nominal: int
    source: str


def source_label(name: str) -> str:
    """Return a source's human name ("National Bank of Kazakhstan")."""
    try:
        return get_provider(name).label or name
    except ProviderError:
        return name


def is_business_day(name: str, day: date) -> bool:
    """Say whether ``name`` normally sets a rate for ``day`` (weekends and holidays excluded)."""
    try:
        provider = get_provider(name)
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


def ticker_entry(currency: str, *, today: date) -> TickerRate | None:
    """Pick the best fresh source for ``currency``; if all are stale, the newest rate."""
    quote = conf.rates_setting("QUOTE")
    candidates: list[tuple[RateObservation, bool]] = []
    for name in conf.currency_sources(currency):
        latest = (
            RateObservation.objects.filter(currency=quote, quote=currency, source=name)
            .order_by("-rate_date")
            .first()
        )
        if latest is None:
            continue
        stale = is_stale(name, latest.rate_date, today=today)
        if not stale:
            candidates = [(latest, False)]
            break
        candidates.append((latest, True))
    if not candidates:
        return None
    # Among stale rates, the newest wins; earlier sources win ties (max keeps the first).
    latest, stale = max(candidates, key=lambda pair: pair[0].rate_date)
    value = value_of(latest.rate, latest.nominal)
    return TickerRate(
        currency=currency,
        quote=quote,
        value=value,
        inverse=latest.rate / latest.nominal,
        change=change_of(latest),
        rate_date=latest.rate_date,
        source=latest.source,
        source_label=source_label(latest.source),
        stale=stale,
    )


def change_of(latest: RateObservation) -> Decimal | None:
    """Return the change of one local unit's value against the previous official rate.

    The bank's own change field wins when it has one (it knows the previous official
    rate even if a fetch was missed); otherwise the previous stored rate is used.
    """
    if latest.change is not None and latest.rate - latest.change > 0:
        return formatting.inverse_change_percent(latest.rate - latest.change, latest.rate)
    before = (
        RateObservation.objects.filter(
            currency=latest.currency,
            quote=latest.quote,
            source=latest.source,
            rate_date__lt=latest.rate_date,
        )
        .order_by("-rate_date")
        .first()
    )
    if before is None:
        return None
    return formatting.inverse_change_percent(before.per_unit, latest.per_unit)


def ticker_rates_uncached(*, today: date | None = None) -> list[TickerRate]:
    """Return the ticker's rates in the configured order, skipping currencies with none."""
    today = today or timezone.localdate()
    entries = (ticker_entry(c, today=today) for c in conf.rates_setting("CURRENCIES"))
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
        rows = RateObservation.objects.filter(
            currency=quote,
            quote=currency,
            source=name,
            rate_date__gt=today - timedelta(days=days),
            rate_date__lte=today + timedelta(days=1),
        ).order_by("rate_date")
        points = [
            HistoryPoint(
                date=row.rate_date,
                value=value_of(row.rate, row.nominal),
                rate=row.rate,
                nominal=row.nominal,
                source=row.source,
            )
            for row in rows
        ]
        if points:
            return points
    return []
