"""The aggregator fallback: open.er-api.com (ExchangeRate-API open access), ``latest/USD``.

Market or blended rates, not official ones; attribution is required. It has no date
parameter and refreshes once a day at about 00:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy

from dastan.rates.providers.base import BaseProvider, Rate


class ERAPIProvider(BaseProvider):
    name = "erapi"
    label = gettext_lazy("ExchangeRate-API (open.er-api.com)")
    quote = ""  # every currency it lists, against base_code
    dated = False
    default_url = "https://open.er-api.com/v6/latest/USD"
    business_days = frozenset(range(7))

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Parse ``rates[X]`` (X units per one ``base_code``) into ``base/X`` rates."""
        data = self.json_body(payload)
        if not isinstance(data, dict):
            raise self.fail(f"expected a JSON object, got {type(data).__name__}")
        if data.get("result") != "success":
            raise self.fail(f"result {data.get('result')!r}: {data.get('error-type', 'no reason')}")
        base = self.read_code(data.get("base_code"), "base_code")
        updated = data.get("time_last_update_unix")
        if not isinstance(updated, Decimal):
            raise self.fail("time_last_update_unix missing")
        valid_for = datetime.fromtimestamp(int(updated), tz=UTC).date()
        table = data.get("rates")
        if not isinstance(table, dict):
            raise self.fail("rates missing")
        rates = []
        for code, value in table.items():
            code = self.read_code(code, "rates key")
            if code == base:
                continue
            rates.append(
                Rate(
                    currency=base,
                    quote=code,
                    rate=self.read_rate(str(value), f"rates.{code}"),
                    nominal=1,
                    date=valid_for,
                    source=self.name,
                )
            )
        return self.rates_or_fail(rates)
