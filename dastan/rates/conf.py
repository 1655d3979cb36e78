"""Rates settings with their defaults, read at call time (never at import time).

``DASTAN_RATES`` in the settings overrides any key here; the environment variable
``DASTAN_RATES_URL_<SOURCE>`` overrides a source's endpoint address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from dastan.settings import env

DEFAULTS: dict[str, Any] = {
    # Local currencies shown by the ticker, in this order.
    "CURRENCIES": ["KZT", "KGS", "TJS", "UZS", "TMT"],
    # The ticker shows the value of one local unit in this currency.
    "QUOTE": "USD",
    # Sources to read each currency from, best first. The fallback comes last.
    "SOURCES": {
        "KZT": ["nbk"],
        "KGS": ["nbkr"],
        "TJS": ["nbt"],
        "UZS": ["cbu"],
        "TMT": ["cbt", "fixed"],
    },
    "FALLBACK": "erapi",
    # Extra or replacement providers: {"name": "dotted.path.ProviderClass"}.
    "PROVIDERS": {},
    # Endpoint templates by source; "{date:%d.%m.%Y}" is filled with the day asked for.
    "URLS": {},
    # Pegs served by the "fixed" source: {"USD/TMT": {"rate": "3.5", "since": "2015-01-01"}}.
    "FIXED": None,
    # Extra holidays by source ({"nbk": ["2026-05-27"]}), for feasts whose date moves.
    "HOLIDAYS": {},
    # Seconds one HTTP wait may take (connect, each read, each write).
    "TIMEOUT": 10.0,
    # Seconds a whole fetch of one source may take, retries and waits included: a
    # server that trickles one byte every few seconds never trips the per-read TIMEOUT.
    "DEADLINE": 60.0,
    "RETRIES": 2,
    "BACKOFF": 1.0,
    "CACHE_TIMEOUT": 300,
    # Ticker digits: at least DECIMALS places and at least MIN_SIGNIFICANT significant digits.
    "DECIMALS": 6,
    "MIN_SIGNIFICANT": 3,
    "HISTORY_DAYS": 90,
    # A fetched rate more than this many times above or below the source's previous
    # stored rate is refused unless confirmed (``dastan rates fetch --accept-jumps``).
    "MAX_JUMP": 10,
    # Rates dated before this are refused: none of the five currencies existed yet.
    "EARLIEST_DATE": "1992-01-01",
}


def rates_setting(name: str) -> Any:
    """Return ``DASTAN_RATES[name]`` or its default."""
    return getattr(settings, "DASTAN_RATES", {}).get(name, DEFAULTS[name])


def source_url(name: str) -> str | None:
    """Return the endpoint for ``name``: environment first, then settings, else None."""
    from_env = {key.lower(): value for key, value in env.env_prefixed("RATES_URL_").items()}
    if from_env.get(name.lower()):
        return from_env[name.lower()]
    return rates_setting("URLS").get(name)


def currency_sources(currency: str) -> list[str]:
    """Return the sources for ``currency``, best first, ending with the fallback."""
    sources = list(rates_setting("SOURCES").get(currency, []))
    fallback = rates_setting("FALLBACK")
    if fallback and fallback not in sources:
        sources.append(fallback)
    return sources
