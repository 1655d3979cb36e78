"""The markets page and each currency's history as JSON and CSV."""

from __future__ import annotations

import csv
from decimal import Decimal

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control

from dastan.editions.addresses import edition_current
from dastan.rates import conf, selectors
from dastan.rates.charts import history_svg
from dastan.rates.formatting import format_value
from dastan.web.decorators import read_only


def plain(value: Decimal) -> str:
    """Write a stored decimal without trailing zeros or exponent ("478.77")."""
    return f"{value.normalize():f}"


def exact(value: Decimal) -> str:
    """Write a derived value with 12 significant digits, no grouping."""
    return format_value(value, decimals=0, min_significant=12).replace(",", "")


def currency_or_404(code: str) -> str:
    """Return the configured currency named by ``code``, or raise 404."""
    code = code.upper()
    if code not in conf.rates_setting("CURRENCIES"):
        raise Http404(f"No rates for {code}")
    return code


@read_only
def markets(request: HttpRequest) -> HttpResponse:
    """Show every currency's latest rate, change and a 90-day chart."""
    days = conf.rates_setting("HISTORY_DAYS")
    key = selectors.markets_cache_key(edition_current(request))
    rows = cache.get(key)
    if rows is None:
        rows = markets_rows(days)
        cache.set(key, rows, conf.rates_setting("CACHE_TIMEOUT"))
    # Drawn per request, in the reader's language; the cached rows hold numbers only.
    rows = [{**row, "chart": markets_chart(row, days)} for row in rows]
    context = {"rows": rows, "days": days, "quote": conf.rates_setting("QUOTE")}
    return render(request, "rates/markets.html", context)


def markets_rows(days: int) -> list[dict]:
    """Return the markets table: each currency's rate and history (cached by the view)."""
    rates = selectors.ticker_rates()
    histories = selectors.currency_histories(rates, days=days)
    return [{"rate": rate, "history": histories[rate.currency]} for rate in rates]


def markets_chart(row: dict, days: int) -> str:
    """Draw one row's history, titled in the active language."""
    rate = row["rate"]
    label = ngettext("%(pair)s, last %(days)d day", "%(pair)s, last %(days)d days", days) % {
        "pair": rate.pair,
        "days": days,
    }
    return history_svg(row["history"], label=label, slug=rate.currency.lower())


def history_rows(code: str) -> tuple[str, list[selectors.HistoryPoint]]:
    currency = currency_or_404(code)
    return currency, selectors.currency_history(currency)


@read_only
@cache_control(public=True, max_age=300)
def history_json(request: HttpRequest, code: str) -> JsonResponse:
    """Return a currency's history; numbers are strings so that no digit is lost."""
    currency, points = history_rows(code)
    quote = conf.rates_setting("QUOTE")
    data = {
        "currency": currency,
        "quote": quote,
        "description": f"{quote} per 1 {currency}; rate is {currency} per nominal {quote}",
        "history": [
            {
                "date": p.date.isoformat(),
                "value": exact(p.value),
                "rate": plain(p.rate),
                "nominal": p.nominal,
                "source": p.source,
            }
            for p in points
        ],
    }
    return JsonResponse(data)


@read_only
@cache_control(public=True, max_age=300)
def history_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Return a currency's history as CSV, one row per day."""
    currency, points = history_rows(code)
    quote = conf.rates_setting("QUOTE")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{currency}-{quote}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "currency", "quote", "value", "rate", "nominal", "source"])
    for p in points:
        writer.writerow(
            [
                p.date.isoformat(),
                currency,
                quote,
                exact(p.value),
                plain(p.rate),
                p.nominal,
                p.source,
            ]
        )
    return response
