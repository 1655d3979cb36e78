"""Writes: fetch rates from their sources, store them idempotently, load the demo history."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dastan.editions.conf import edition_codes
from dastan.rates import conf, selectors
from dastan.rates.models import RateCorrection, RateObservation
from dastan.rates.providers import ProviderError, Rate, get_provider
from dastan.rates.providers.base import BaseProvider, require
from dastan.rates.selectors import (
    MARKETS_CACHE_KEY,
    TICKER_CACHE_KEY,
    StoredRate,
    markets_cache_key,
)
from dastan.rates.validation import Refusal, change_problem, rate_problem

logger = logging.getLogger("dastan.rates")

__all__ = ["MARKETS_CACHE_KEY", "TICKER_CACHE_KEY"]

DEMO_HISTORY = Path(__file__).resolve().parent / "demo_data" / "history.csv"


@dataclass
class StoreResult:
    """What ``rates_store`` did with a batch of rates."""

    created: int = 0
    corrected: int = 0
    unchanged: int = 0

    def __iadd__(self, other: StoreResult) -> StoreResult:
        self.created += other.created
        self.corrected += other.corrected
        self.unchanged += other.unchanged
        return self


@dataclass
class RefreshResult:
    """What ``rates_refresh`` did: counts, and the sources that failed with their reason."""

    stored: StoreResult = field(default_factory=StoreResult)
    fetched: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[ProviderError] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused


def rates_client() -> httpx.Client:
    """Return an HTTP client with the configured timeout (connect, read and write)."""
    return httpx.Client(timeout=conf.rates_setting("TIMEOUT"), follow_redirects=True)


def default_sources() -> list[str]:
    """Return the sources of every configured currency, fallback excluded, in order."""
    fallback = conf.rates_setting("FALLBACK")
    names: list[str] = []
    for currency in conf.rates_setting("CURRENCIES"):
        for name in conf.currency_sources(currency):
            if name != fallback and name not in names:
                names.append(name)
    return names


def required_pairs(source: str, currencies: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """Return the ``(QUOTE, local)`` pairs ``source`` must deliver for the ticker."""
    quote = conf.rates_setting("QUOTE")
    wanted = conf.rates_setting("CURRENCIES") if currencies is None else currencies
    return [(quote, c) for c in wanted if source in conf.currency_sources(c)]


def rates_refresh(
    *,
    day: date | None = None,
    sources: Sequence[str] | None = None,
    client: httpx.Client | None = None,
    fallback: bool = True,
    accept_jumps: bool = False,
) -> RefreshResult:
    """Fetch and store ``day``'s rates (today by default) from each source.

    A failing source is logged with its name and the problem, its stored rates are
    left alone, and the aggregator fallback is fetched for the currencies it served.
    A rate out of bounds is refused and logged; the rest of its feed is stored.
    ``accept_jumps`` stores rates far from the previous one (a real devaluation).
    """
    today = timezone.localdate()
    day = day or today
    names = list(sources) if sources else default_sources()
    result = RefreshResult()
    own_client = client is None
    client = client or rates_client()
    try:
        outcomes = {
            name: source_refresh(
                name, day=day, client=client, result=result, accept_jumps=accept_jumps
            )
            for name in names
        }
        fallback_name = conf.rates_setting("FALLBACK")
        uncovered = uncovered_currencies(outcomes)
        # The aggregator only knows today's rates, so it cannot stand in for a past day.
        use_fallback = fallback and fallback_name and fallback_name not in names
        if use_fallback and uncovered and day >= today:
            logger.warning("Rates: falling back to %s for %s", fallback_name, ", ".join(uncovered))
            source_refresh(
                fallback_name,
                day=day,
                client=client,
                result=result,
                currencies=uncovered,
                accept_jumps=accept_jumps,
            )
    finally:
        if own_client:
            client.close()
    return result


def uncovered_currencies(outcomes: dict[str, bool]) -> list[str]:
    """Return the currencies whose sources failed with none of them succeeding.

    TMT is read from CBT, often unreachable abroad, and from the fixed peg: when the
    peg succeeds, TMT needs no fallback.
    """
    uncovered = []
    for currency in conf.rates_setting("CURRENCIES"):
        tried = [outcomes[s] for s in conf.currency_sources(currency) if s in outcomes]
        if tried and not any(tried):
            uncovered.append(currency)
    return uncovered


def source_refresh(
    name: str,
    *,
    day: date,
    client: httpx.Client,
    result: RefreshResult,
    currencies: Iterable[str] | None = None,
    accept_jumps: bool = False,
) -> bool:
    """Fetch one source into ``result``; return False (and log why) when it failed.

    A refused rate that the ticker needs counts as a failure for its currency, so the
    fallback stands in, but the source's other rates are still stored.
    """
    try:
        provider = get_provider(name)
        if not provider.dated and day < timezone.localdate():
            # NBKR and the aggregator only serve their latest file.
            logger.info("Rates: %s has no dated feed; skipped for %s", name, day)
            result.skipped.append(name)
            return True
        rates = provider.fetch(day, client)
        if not rates:
            logger.info("Rates: %s published nothing for %s", name, day)
            result.empty.append(name)
            return True
        required = required_pairs(name, currencies)
        require(rates, name, required)
        if currencies is not None:
            # A fallback stands in for a few currencies only, not its whole table.
            rates = [r for r in rates if (r.currency, r.quote) in set(required)]
        rates, refused = rates_screen(rates, provider=provider, accept_jumps=accept_jumps)
        result.refused += refused
        result.stored += rates_store(rates)
    except ProviderError as exc:
        logger.error("Rates source %s failed: %s. Keeping the last good data.", exc.source, exc)
        result.errors.append(exc)
        return False
    except Exception as exc:
        # A parser bug in one source must not stop the others or the fallback.
        error = ProviderError(name, f"unexpected {type(exc).__name__}: {exc}")
        logger.exception("Rates source %s failed: %s. Keeping the last good data.", name, error)
        result.errors.append(error)
        return False
    result.fetched.append(name)
    refused_pairs = {(r.rate.currency, r.rate.quote) for r in refused}
    return not refused_pairs & set(required)


def rates_screen(
    rates: Iterable[Rate], *, provider: BaseProvider, accept_jumps: bool = False
) -> tuple[list[Rate], list[Refusal]]:
    """Split fetched rates into those fit to store and those refused, logging each refusal.

    The bounds are in ``dastan.rates.validation``; the previous stored rate and the
    source's next business day (on its own clock) are looked up here.
    """
    latest = selectors.latest_rate_date(provider.name)
    earliest = selectors.earliest_date()
    max_jump = None if accept_jumps else Decimal(str(conf.rates_setting("MAX_JUMP")))
    kept: list[Rate] = []
    refused: list[Refusal] = []
    for rate in rates:
        reference = None if max_jump is None else selectors.previous_rate(rate)
        problem = rate_problem(
            rate, earliest=earliest, latest=latest, reference=reference, max_jump=max_jump
        )
        if problem:
            refusal = Refusal(rate, problem)
            logger.error("Rates: %s", refusal)
            refused.append(refusal)
            continue
        if rate.change is not None and change_problem(rate.rate, rate.change):
            logger.warning(
                "Rates: %s %s/%s change %s ignored: %s",
                rate.source,
                rate.currency,
                rate.quote,
                rate.change,
                change_problem(rate.rate, rate.change),
            )
            rate = replace(rate, change=None)
        kept.append(rate)
    return kept, refused


@transaction.atomic
def rates_store(rates: Iterable[Rate], *, fetched_at: datetime | None = None) -> StoreResult:
    """Save rates: new ones created, equal ones left alone, changed ones corrected and logged.

    A stored row that cannot be read back (a value written around the fetcher) is
    overwritten by the new rate rather than stopping the store, so the site heals.
    """
    now = fetched_at or timezone.now()
    batch = list(rates)
    result = StoreResult()
    if not batch:
        return result
    existing: dict[tuple, StoredRate | RateObservation] = {
        (o.currency, o.quote, o.rate_date, o.source): o
        for o in selectors.stored_rows(
            RateObservation.objects.filter(
                source__in={r.source for r in batch},
                rate_date__in={r.date for r in batch},
                quote__in={r.quote for r in batch},
            )
        )
    }
    new = []
    for rate in batch:
        key = (rate.currency, rate.quote, rate.date, rate.source)
        old = existing.get(key)
        if old is None:
            observation = RateObservation(
                currency=rate.currency,
                quote=rate.quote,
                rate=rate.rate,
                nominal=rate.nominal,
                rate_date=rate.date,
                source=rate.source,
                change=rate.change,
                fetched_at=now,
            )
            existing[key] = observation
            new.append(observation)
            result.created += 1
        elif isinstance(old, StoredRate) and old.rate is None:
            observation_replace(old, rate, now)
            result.corrected += 1
        elif old.rate / old.nominal == rate.rate / rate.nominal:
            result.unchanged += 1
        else:
            observation_correct(old, rate, now)
            result.corrected += 1
    RateObservation.objects.bulk_create(new)
    if result.created or result.corrected:
        # The ticker and the markets table are built from these rows.
        markets = [markets_cache_key(code) for code in edition_codes()]
        cache.delete_many([TICKER_CACHE_KEY, *markets])
    return result


def observation_correct(
    observation: StoredRate | RateObservation, rate: Rate, now: datetime
) -> None:
    """Replace a stored rate with the source's corrected value, keeping the old one on record."""
    assert observation.rate is not None
    logger.warning(
        "Rates: %s corrected %s/%s for %s from %s per %s to %s per %s",
        rate.source,
        rate.currency,
        rate.quote,
        rate.date,
        observation.rate.normalize(),
        observation.nominal,
        rate.rate,
        rate.nominal,
    )
    RateCorrection.objects.create(
        observation_id=observation.pk,
        old_rate=observation.rate,
        old_nominal=observation.nominal,
        new_rate=rate.rate,
        new_nominal=rate.nominal,
        corrected_at=now,
    )
    observation_update(observation.pk, rate, now)


def observation_replace(observation: StoredRate, rate: Rate, now: datetime) -> None:
    """Overwrite a stored row whose value is unusable; it cannot be kept as a correction."""
    logger.warning(
        "Rates: %s replaced the unusable stored %s/%s for %s (%s: %s) with %s per %s",
        rate.source,
        rate.currency,
        rate.quote,
        rate.date,
        observation.raw,
        observation.problem,
        rate.rate,
        rate.nominal,
    )
    observation_update(observation.pk, rate, now)


def observation_update(pk: int, rate: Rate, now: datetime) -> None:
    RateObservation.objects.filter(pk=pk).update(
        rate=rate.rate, nominal=rate.nominal, change=rate.change, fetched_at=now
    )


def demo_dates(count: int, today: date) -> list[date]:
    """Return ``count`` weekdays ending with the latest weekday on or before ``today``."""
    days: list[date] = []
    cursor = today
    while len(days) < count:
        if cursor.weekday() < 5:
            days.append(cursor)
        cursor -= timedelta(days=1)
    return days[::-1]


def rates_load_demo(*, today: date | None = None) -> int:
    """Load the recorded demo history so the ticker and markets page work offline.

    The history is replayed onto the weekdays ending today, so the demo looks
    live. When the stored history already ends today this does nothing; when it
    ends earlier (the demo was built on another day), the demo's series are
    replaced with a fresh replay. Returns the number of rates created.
    """
    with DEMO_HISTORY.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    recorded = sorted({row["date"] for row in rows})
    days = demo_dates(len(recorded), today or timezone.localdate())
    newest = RateObservation.objects.order_by("-rate_date").values_list("rate_date", flat=True)
    if newest.first() is not None and newest.first() >= days[-1]:
        return 0
    series = {(row["currency"], row["quote"], row["source"]) for row in rows}
    for currency, quote, source in series:
        RateObservation.objects.filter(currency=currency, quote=quote, source=source).delete()
    replayed = dict(zip(recorded, days, strict=True))
    rates = [
        Rate(
            currency=row["currency"],
            quote=row["quote"],
            rate=Decimal(row["rate"]),
            nominal=int(row["nominal"]),
            date=replayed[row["date"]],
            source=row["source"],
        )
        for row in rows
    ]
    return rates_store(rates).created
