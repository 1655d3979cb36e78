"""Exact arithmetic and display of rates: significant digits, percent change, arrows.

Pure functions on ``Decimal``; no Django, no floats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

HUNDRED = Decimal(100)


def change_percent(previous: Decimal, current: Decimal) -> Decimal:
    """Return the change from ``previous`` to ``current`` in percent (exact to 28 digits).

    Callers pass the values the reader sees (USD per one local unit): a fall of the
    local-per-USD rate is a rise here, computed from both rates, never by flipping a sign.
    """
    if previous <= 0:
        raise ValueError("previous value must be positive")
    return (current / previous - 1) * HUNDRED


def inverse_change_percent(previous_rate: Decimal, current_rate: Decimal) -> Decimal:
    """Return the change in one local unit's value from two local-per-quote rates.

    KZT per USD going from 481.54 to 478.77 (-0.5752 %) is the tenge gaining 0.5786 %
    in USD: ``previous / current - 1``, one division, so no rounding of inverses.
    """
    if current_rate <= 0:
        raise ValueError("current rate must be positive")
    return (previous_rate / current_rate - 1) * HUNDRED


def places_for(value: Decimal, *, decimals: int, min_significant: int) -> int:
    """Return how many decimal places show ``value`` with both guarantees.

    At least ``decimals`` places, and at least ``min_significant`` significant digits:
    one UZS is 0.0000775 USD, which six places would cut to 0.000077 and five to 0.00008.
    """
    if value == 0:
        return decimals
    needed = min_significant - 1 - value.adjusted()
    return max(decimals, needed)


def round_places(value: Decimal, places: int) -> Decimal:
    """Round half up to ``places`` decimal places.

    The default context's 28 digits would make ``quantize`` raise InvalidOperation for
    a large value with many places, so the precision is sized to the result.
    """
    digits = max(value.adjusted(), 0) + places + 2
    context = Context(prec=max(digits, 28), rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1).scaleb(-places), context=context)


def format_value(value: Decimal, *, decimals: int = 6, min_significant: int = 3) -> str:
    """Format a rate for the ticker: ``0.002089`` for KZT, ``0.0000775`` for UZS."""
    places = places_for(abs(value), decimals=decimals, min_significant=min_significant)
    rounded = round_places(value, places)
    # Rounding 0.00009996 up gives 0.0001000: still the requested significant digits.
    return f"{rounded:,f}"


def format_amount(value: Decimal) -> str:
    """Format the other direction, as in "1 USD = 12,905.32 UZS".

    Two places, four significant digits (9.345 TJS stays 9.345), thousands grouped.
    """
    return format_value(value, decimals=2, min_significant=4)


def format_change(percent: Decimal | None) -> str:
    """Format a change as ``+0.21%``, ``-0.58%`` or ``0.00%``.

    Two places, more when needed to keep one significant digit, so that a real move
    never reads as ``+0.00%``.
    """
    if percent is None:
        return ""
    if percent == 0:
        return "0.00%"
    places = min(places_for(abs(percent), decimals=2, min_significant=1), 8)
    rounded = round_places(percent, places)
    sign = "+" if percent > 0 else "-"
    return f"{sign}{abs(rounded):f}%"


def localize_number(text: str, *, decimal: str, thousands: str) -> str:
    """Rewrite a number written as "12,905.32" with a locale's separators ("12 905,32")."""
    return text.translate(str.maketrans({",": thousands, ".": decimal}))


def direction(percent: Decimal | None) -> str:
    """Return ``up``, ``down``, ``flat`` or ``unknown`` for a change."""
    if percent is None:
        return "unknown"
    if percent > 0:
        return "up"
    if percent < 0:
        return "down"
    return "flat"
