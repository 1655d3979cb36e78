"""Central Bank of Turkmenistan: TMT per unit of 48 currencies, from ``kurs/YYYY/DDMMYYYY.xml``.

There is no file for Sundays (HTTP 404): that is "nothing published", not a failure.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from dastan.rates.providers.base import BaseProvider, Rate, fixed_holidays


class CBTProvider(BaseProvider):
    name = "cbt"
    label = gettext_lazy("Central Bank of Turkmenistan")
    quote = "TMT"
    time_zone = "Asia/Ashgabat"
    default_url = "https://cbt.tm/kurs/{date:%Y}/{date:%d%m%Y}.xml"
    # Turkmenistan's fixed-date public holidays.
    holidays = fixed_holidays("01-01 03-08 03-21 03-22 05-09 05-18 09-27 12-12")
    missing_is_empty = True

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Parse ``<cbt_currency_rate>``, using ``rate_tmt`` per ``multiplier`` units.

        ``rate_usd`` is ignored: its direction differs between currencies.
        """
        root = self.xml_root(payload, "cbt_currency_rate")
        # DD.MM.YYYY since 2024; files from 2020-2023 are reported to use YYYY-MM-DD.
        valid_for = self.read_date(root.findtext("date"), "<date>", ("%d.%m.%Y", "%Y-%m-%d"))
        rates = []
        for node in root.findall("rate"):
            code = self.read_code(node.get("code"), "rate@code")
            rates.append(
                Rate(
                    currency=code,
                    quote=self.quote,
                    rate=self.read_rate(node.findtext("rate_tmt"), f"{code} <rate_tmt>"),
                    nominal=self.read_nominal(node.findtext("multiplier"), f"{code} <multiplier>"),
                    date=valid_for,
                    source=self.name,
                )
            )
        return self.rates_or_fail(rates)
