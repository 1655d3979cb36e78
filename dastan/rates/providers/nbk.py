"""National Bank of Kazakhstan: KZT per unit of 39 currencies, from ``get_rates.cfm``.

Also reads the undated RSS channel ``rates_all.xml``. See tests/data/rates/README.md.
"""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element

from django.utils.translation import gettext_lazy

from dastan.rates.providers.base import BaseProvider, Rate, fixed_holidays

DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y")


class NBKProvider(BaseProvider):
    name = "nbk"
    label = gettext_lazy("National Bank of Kazakhstan")
    quote = "KZT"
    time_zone = "Asia/Almaty"
    default_url = "https://nationalbank.kz/rss/get_rates.cfm?fdate={date:%d.%m.%Y}"
    # Kazakhstan's fixed-date public holidays (Law on Holidays, as amended).
    holidays = fixed_holidays(
        "01-01 01-02 01-07 03-08 03-21 03-22 03-23 05-01 05-07 05-09 07-06 08-30 10-25 12-16"
    )

    def parse(self, payload: bytes, *, day: date | None = None) -> list[Rate]:
        """Parse either the dated ``<rates>`` document or the ``<rss>`` channel."""
        self.check_body(payload)
        if b"<rss" in payload[:300]:
            return self.parse_rss(payload)
        root = self.xml_root(payload, "rates")
        items = root.findall("item")
        # A date without <item> elements means nothing was set for it (weekend, holiday).
        if not items:
            return []
        valid_for = self.read_date(root.findtext("date"), "<date>", DATE_FORMATS)
        return [self.item_rate(item, valid_for) for item in items]

    def parse_rss(self, payload: bytes) -> list[Rate]:
        """Parse ``rates_all.xml``: keep only the items with the newest ``pubDate``.

        Discontinued currencies stay in the channel with their last date (LVL 31.12.13).
        """
        root = self.xml_root(payload, "rss")
        dated = [
            (self.read_date(item.findtext("pubDate"), "<pubDate>", DATE_FORMATS), item)
            for item in root.iter("item")
        ]
        if not dated:
            raise self.fail("the RSS channel holds no items")
        newest = max(day for day, _ in dated)
        return [self.item_rate(item, day) for day, item in dated if day == newest]

    def item_rate(self, item: Element, valid_for: date) -> Rate:
        """Read one ``<item>``: ``description`` KZT per ``quant`` units, ``change`` in KZT."""
        code = self.read_code(item.findtext("title"), "<title>")
        change_text = (item.findtext("change") or "").strip()
        return Rate(
            currency=code,
            quote=self.quote,
            rate=self.read_rate(item.findtext("description"), f"{code} <description>"),
            nominal=self.read_nominal(item.findtext("quant"), f"{code} <quant>"),
            date=valid_for,
            source=self.name,
            change=self.read_decimal(change_text, f"{code} <change>") if change_text else None,
        )
