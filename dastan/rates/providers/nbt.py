"""National Bank of Tajikistan: TJS per unit of 36 currencies, from ``export_xml.php``."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy

from dastan.rates.providers.base import BaseProvider, Rate, fixed_holidays

PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>")


class NBTProvider(BaseProvider):
    name = "nbt"
    label = gettext_lazy("National Bank of Tajikistan")
    quote = "TJS"
    time_zone = "Asia/Dushanbe"
    default_url = "https://www.nbt.tj/en/kurs/export_xml.php?date={date:%Y-%m-%d}&export=xmlout"
    # Tajikistan's fixed-date public holidays.
    holidays = fixed_holidays(
        "01-01 03-08 03-21 03-22 03-23 03-24 05-01 05-09 06-27 09-09 09-10 11-06"
    )

    def decode(self, payload: bytes) -> str:
        """Decode as strict UTF-8, else windows-1251.

        The ``/ru/`` variant declares windows-1251 but has served UTF-8 bytes, so the
        declaration cannot be trusted; it is dropped before parsing.
        """
        self.check_body(payload)
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            text = payload.decode("cp1251", errors="replace")
        return PROLOG.sub("", text, count=1)

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Parse ``<ValCurs Date="YYYY-MM-DD">``; empty when NBT answered for another date.

        Out-of-range dates silently return today's snapshot, so a ``Date`` that differs
        from the one asked for means "nothing for that day".
        """
        root = self.xml_root(self.decode(payload), "ValCurs")
        valid_for = self.read_date(root.get("Date"), "ValCurs@Date", ("%Y-%m-%d", "%d.%m.%Y"))
        if day is not None and valid_for != day:
            return []
        rates = []
        for node in root.findall("Valute"):
            # ID has been unreliable in old data; CharCode is the key.
            code = self.read_code(node.findtext("CharCode"), "<CharCode>")
            rates.append(
                Rate(
                    currency=code,
                    quote=self.quote,
                    rate=self.read_rate(node.findtext("Value"), f"{code} <Value>"),
                    nominal=self.read_nominal(node.findtext("Nominal"), f"{code} <Nominal>"),
                    date=valid_for,
                    source=self.name,
                )
            )
        return self.rates_or_fail(rates)
