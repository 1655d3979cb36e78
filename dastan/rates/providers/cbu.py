"""Central Bank of Uzbekistan: UZS per unit of 75 currencies, from the JSON archive."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from dastan.rates.providers.base import BaseProvider, Rate, fixed_holidays


class CBUProvider(BaseProvider):
    name = "cbu"
    label = gettext_lazy("Central Bank of Uzbekistan")
    quote = "UZS"
    time_zone = "Asia/Tashkent"
    # The trailing slash is part of the address.
    default_url = "https://cbu.uz/en/arkhiv-kursov-valyut/json/all/{date:%Y-%m-%d}/"
    # Uzbekistan's fixed-date public holidays.
    holidays = fixed_holidays("01-01 01-14 03-08 03-21 05-09 09-01 10-01 12-08")

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Parse the array of objects whose values are all strings; ``Diff`` is absolute UZS."""
        data = self.json_body(payload)
        if not isinstance(data, list):
            raise self.fail(f"expected a JSON array, got {type(data).__name__}")
        rates = []
        for entry in data:
            if not isinstance(entry, dict):
                raise self.fail(f"expected objects in the array, got {type(entry).__name__}")
            code = self.read_code(entry.get("Ccy"), "Ccy")
            diff = str(entry.get("Diff") or "").strip()
            rates.append(
                Rate(
                    currency=code,
                    quote=self.quote,
                    rate=self.read_rate(entry.get("Rate"), f"{code} Rate"),
                    nominal=self.read_nominal(str(entry.get("Nominal", "1")), f"{code} Nominal"),
                    date=self.read_date(entry.get("Date"), f"{code} Date", ("%d.%m.%Y",)),
                    source=self.name,
                    change=self.read_decimal(diff, f"{code} Diff") if diff else None,
                )
            )
        return self.rates_or_fail(rates)
