"""National Bank of the Kyrgyz Republic: KGS per unit, from ``XML/daily.xml``.

The feed has no date parameter: it always holds the latest rates, dated from the day
they apply (often tomorrow). Values use a decimal comma. ``weekly.xml`` has the same
layout with a ``<ValidFor>`` element, so the same parser reads it.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from dastan.rates.providers.base import BaseProvider, Rate, fixed_holidays


class NBKRProvider(BaseProvider):
    name = "nbkr"
    label = gettext_lazy("National Bank of the Kyrgyz Republic")
    quote = "KGS"
    time_zone = "Asia/Bishkek"
    dated = False
    default_url = "https://www.nbkr.kg/XML/daily.xml"
    # Kyrgyzstan's fixed-date public holidays.
    holidays = fixed_holidays(
        "01-01 01-07 02-23 03-08 03-21 04-07 05-01 05-05 05-09 08-31 11-07 11-08"
    )

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Parse ``<CurrencyRates Date="DD.MM.YYYY">``; bytes go to the parser as is.

        The prolog declares windows-1251, which the XML parser honours.
        """
        root = self.xml_root(payload, "CurrencyRates")
        valid_from = self.read_date(root.get("Date"), "CurrencyRates@Date", ("%d.%m.%Y",))
        rates = []
        for node in root.findall("Currency"):
            code = self.read_code(node.get("ISOCode"), "Currency@ISOCode")
            rates.append(
                Rate(
                    currency=code,
                    quote=self.quote,
                    rate=self.read_rate(node.findtext("Value"), f"{code} <Value>"),
                    nominal=self.read_nominal(node.findtext("Nominal"), f"{code} <Nominal>"),
                    date=valid_from,
                    source=self.name,
                )
            )
        return self.rates_or_fail(rates)
