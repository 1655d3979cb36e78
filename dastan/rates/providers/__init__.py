"""Rate providers by name: the five central banks, the aggregator fallback and fixed pegs."""

from __future__ import annotations

from django.utils.module_loading import import_string

from dastan.rates import conf
from dastan.rates.providers.base import BaseProvider, ProviderError, Rate, RateProvider

BUILTIN = {
    "nbk": "dastan.rates.providers.nbk.NBKProvider",
    "nbkr": "dastan.rates.providers.nbkr.NBKRProvider",
    "nbt": "dastan.rates.providers.nbt.NBTProvider",
    "cbu": "dastan.rates.providers.cbu.CBUProvider",
    "cbt": "dastan.rates.providers.cbt.CBTProvider",
    "erapi": "dastan.rates.providers.erapi.ERAPIProvider",
    "fixed": "dastan.rates.providers.fixed.FixedProvider",
}

__all__ = ["BaseProvider", "ProviderError", "Rate", "RateProvider", "get_provider", "names"]


def names() -> list[str]:
    """Return every provider name known to the settings."""
    return [*BUILTIN, *(n for n in conf.rates_setting("PROVIDERS") if n not in BUILTIN)]


def get_provider(name: str) -> BaseProvider:
    """Build the provider called ``name`` with its configured URL, retries, backoff and deadline."""
    paths = {**BUILTIN, **conf.rates_setting("PROVIDERS")}
    if name not in paths:
        raise ProviderError(name, f"unknown source; known: {', '.join(sorted(paths))}")
    options = {
        "url": conf.source_url(name),
        "retries": conf.rates_setting("RETRIES"),
        "backoff": conf.rates_setting("BACKOFF"),
        "deadline": conf.rates_setting("DEADLINE"),
    }
    if name == "fixed" and conf.rates_setting("FIXED") is not None:
        options["pegs"] = conf.rates_setting("FIXED")
    return import_string(paths[name])(**options)
