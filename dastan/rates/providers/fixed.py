"""An in-memory source of fixed rates, like Django's ``locmem`` mail backend.

It serves official pegs (3.5 TMT per USD since 1 January 2015) and lets tests and
demos feed known rates without a network.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from django.utils.translation import gettext_lazy

from dastan.rates.providers.base import BaseProvider, Rate

# Turkmenistan devalued the manat from 2.85 to 3.5 per USD on 1 January 2015 and
# has held the peg since (tests/data/rates/README.md, "The peg").
DEFAULT_PEGS: dict[str, Any] = {"USD/TMT": {"rate": "3.5", "since": "2015-01-01"}}


class FixedProvider(BaseProvider):
    name = "fixed"
    label = gettext_lazy("Official peg")
    quote = ""
    business_days = frozenset(range(7))

    def __init__(self, *, pegs: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pegs = dict(DEFAULT_PEGS if pegs is None else pegs)

    def fetch(self, day: date, client: httpx.Client | None = None) -> list[Rate]:
        """Return the pegs in force on ``day``; no network involved."""
        return self.rates_for(self.pegs, day)

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Read ``{"USD/TMT": "3.5"}`` (or ``{"rate", "nominal", "since"}`` objects) as JSON."""
        pegs = self.json_body(payload)
        if not isinstance(pegs, dict):
            raise self.fail("expected a JSON object of pairs")
        return self.rates_for(pegs, day or date.today())

    def rates_for(self, pegs: Mapping[str, Any], day: date) -> list[Rate]:
        """Turn ``CURRENCY/QUOTE`` pegs into rates for ``day``, skipping pegs not yet set."""
        rates = []
        for pair, spec in pegs.items():
            currency, _, quote = pair.partition("/")
            detail = spec if isinstance(spec, Mapping) else {"rate": spec}
            since = detail.get("since")
            if since and day < date.fromisoformat(str(since)):
                continue
            rates.append(
                Rate(
                    currency=self.read_code(currency, f"{pair} currency"),
                    quote=self.read_code(quote, f"{pair} quote"),
                    rate=self.read_rate(str(detail["rate"]), pair),
                    nominal=int(detail.get("nominal", 1)),
                    date=day,
                    source=self.name,
                )
            )
        return rates


def pegs_payload(pegs: Mapping[str, Any]) -> bytes:
    """Serialise pegs the way ``FixedProvider.parse`` reads them."""
    return json.dumps(
        {k: str(v) if isinstance(v, Decimal) else v for k, v in pegs.items()}
    ).encode()
