"""Server-side inline SVG charts of a currency's history: no JavaScript needed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from dastan.rates.formatting import format_value
from dastan.rates.selectors import HistoryPoint, local_number

TENTH = Decimal("0.1")


def coordinate(value: Decimal) -> str:
    """Round a pixel coordinate to a tenth."""
    return f"{value.quantize(TENTH, rounding=ROUND_HALF_UP):f}"


def number(value: Decimal) -> str:
    """Format a chart value in the active language ("0,002089" in Russian)."""
    return local_number(format_value(value))


def history_svg(
    points: Sequence[HistoryPoint],
    *,
    label: str,
    slug: str,
    width: int = 320,
    height: int = 90,
) -> SafeString:
    """Draw ``points`` as a line over time, with the high and low marked and described."""
    if not points:
        return SafeString("")
    pad_x, pad_y = Decimal(2), Decimal(14)
    values = [p.value for p in points]
    low, high = min(values), max(values)
    first, last = points[0], points[-1]
    span_days = Decimal(max((last.date - first.date).days, 1))
    plot_w, plot_h = Decimal(width) - 2 * pad_x, Decimal(height) - 2 * pad_y
    spread = high - low

    def xy(point: HistoryPoint) -> tuple[str, str]:
        x = pad_x + plot_w * (point.date - first.date).days / span_days
        y = pad_y + (plot_h / 2 if spread == 0 else plot_h * (high - point.value) / spread)
        return coordinate(x), coordinate(y)

    coords = [xy(p) for p in points]
    polyline = " ".join(f"{x},{y}" for x, y in coords)
    description = gettext(
        "From %(first)s on %(first_date)s to %(last)s on %(last_date)s; high %(high)s, low %(low)s."
    ) % {
        "first": number(first.value),
        "first_date": date_format(first.date, "j E Y"),
        "last": number(last.value),
        "last_date": date_format(last.date, "j E Y"),
        "high": number(high),
        "low": number(low),
    }
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="2.5" class="rates-chart__last"/>', [coords[-1]]
    )
    return format_html(
        '<svg class="rates-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="chart-{slug}-title chart-{slug}-desc">'
        '<title id="chart-{slug}-title">{label}</title>'
        '<desc id="chart-{slug}-desc">{desc}</desc>'
        '<text x="2" y="10" class="rates-chart__label">{high}</text>'
        '<text x="2" y="{low_y}" class="rates-chart__label">{low}</text>'
        '<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-linejoin="round"/>{dots}</svg>',
        w=width,
        h=height,
        slug=slug,
        label=label,
        desc=description,
        high=number(high),
        low=number(low),
        low_y=height - 2,
        points=polyline,
        dots=dots,
    )
