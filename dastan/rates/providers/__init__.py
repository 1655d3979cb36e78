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

__all__ = [
    "BaseProvider",
    "ProviderError",
    "Rate",
    "RateProvider",
    "get_provider",
    "names",
    "provider_class",
]


def names() -> list[str]:
    """Return every provider name known to the settings."""
    return [*BUILTIN, *(n for n in conf.rates_setting("PROVIDERS") if n not in BUILTIN)]


def provider_class(name: str) -> type[BaseProvider]:
    """Return the class of the provider called ``name``: its calendar, time zone and label.

    Pages ask a source's calendar several times each (is a rate stale?): building the
    provider read its URL from the whole environment every time (issue #15).
    """
    paths = {**BUILTIN, **conf.rates_setting("PROVIDERS")}
    if name not in paths:
        raise ProviderError(name, f"unknown source; known: {', '.join(sorted(paths))}")
    return import_string(paths[name])


def get_provider(name: str) -> BaseProvider:
    """Build the provider called ``name`` with its configured URL, retries, backoff and deadline."""
    provider = provider_class(name)
    options = {
        "url": conf.source_url(name),
        "retries": conf.rates_setting("RETRIES"),
        "backoff": conf.rates_setting("BACKOFF"),
        "deadline": conf.rates_setting("DEADLINE"),
    }
    if name == "fixed" and conf.rates_setting("FIXED") is not None:
        options["pegs"] = conf.rates_setting("FIXED")
    return provider(**options)
