"""The bounds a rate must meet, before it is stored and again before it is shown.

Pure functions, no queries: ``services`` passes in the previous rate and the latest
date a source may publish for, ``selectors`` applies the same rules to what it reads, so
a row written around the fetcher (raw SQL, an old database) is hidden, not rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, InvalidOperation

from dastan.rates.models import RateObservation
from dastan.rates.providers import Rate

# Banks quote per 1 to 10,000 units (tests/data/rates/README.md); more is a typo.
MAX_NOMINAL = 1_000_000
# Fewer than this many digits surviving the column's rounding is not a rate any more.
MIN_STORED_DIGITS = 3
# Enough precision to round any finite value without InvalidOperation.
WIDE = Context(prec=200)


@dataclass(frozen=True)
class Refusal:
    """A fetched rate that was not stored, and why."""

    rate: Rate
    reason: str

    @property
    def is_jump(self) -> bool:
        return self.reason.startswith("jump")

    def __str__(self) -> str:
        rate = self.rate
        return (
            f"{rate.source} {rate.currency}/{rate.quote} {rate.rate} per {rate.nominal}"
            f" for {rate.date} refused: {self.reason}"
        )


def column_places() -> tuple[int, int]:
    """Return (digits before the point, decimal places) the rate column holds."""
    field = RateObservation._meta.get_field("rate")
    return field.max_digits - field.decimal_places, field.decimal_places


def column_round(value: Decimal) -> Decimal:
    """Round ``value`` as the rate column stores it (a finite value only)."""
    _, places = column_places()
    return value.quantize(Decimal(1).scaleb(-places), context=WIDE)


def value_problem(value: Decimal, nominal: object) -> str | None:
    """Say why ``value`` per ``nominal`` units is not a storable rate, or None.

    ``1e15`` overflows the column (every later read would raise InvalidOperation) and
    ``1e-11`` is stored as 0 (a division by zero on every page).
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        return "not a finite number"
    if value <= 0:
        return "not positive"
    whole, places = column_places()
    try:
        rounded = column_round(value)
    except InvalidOperation:
        return "not a finite number"
    if rounded.adjusted() >= whole:
        return f"too large: the column holds {whole} digits before the point"
    if rounded == 0:
        return f"rounds to 0 at {places} decimal places"
    if rounded.adjusted() < MIN_STORED_DIGITS - 1 - places:
        return f"too small: fewer than {MIN_STORED_DIGITS} digits survive {places} decimal places"
    if not isinstance(nominal, int) or not 1 <= nominal <= MAX_NOMINAL:
        return f"nominal {nominal!r} outside 1 to {MAX_NOMINAL:,}"
    return None


def date_problem(day: object, *, earliest: date, latest: date) -> str | None:
    """Say why ``day`` is not a plausible rate date, or None."""
    if not isinstance(day, date):
        return "no readable date"
    if day > latest:
        return f"dated {day}, after the source's next business day {latest}"
    if day < earliest:
        return f"dated {day}, before {earliest}"
    return None


def change_problem(rate: Decimal, change: Decimal) -> str | None:
    """Say why a bank's own change field is unusable: the previous rate it implies must be valid."""
    if not change.is_finite():
        return "change is not a finite number"
    whole, _ = column_places()
    if change != 0 and column_round(abs(change)).adjusted() >= whole:
        return "change too large for the column"
    return value_problem(rate - change, 1) and "change implies a previous rate that is not valid"


def jump_problem(per_unit: Decimal, reference: Decimal | None, max_jump: Decimal) -> str | None:
    """Say why ``per_unit`` is too far from the previous stored rate ``reference``, or None."""
    if reference is None or reference <= 0:
        return None
    factor = max(per_unit / reference, reference / per_unit)
    if factor <= max_jump:
        return None
    return (
        f"jump of {factor:.1f}x from the previous stored {reference.normalize():f} per unit"
        f" (limit {max_jump}x; confirm with --accept-jumps)"
    )


def rate_problem(
    rate: Rate,
    *,
    earliest: date,
    latest: date,
    reference: Decimal | None,
    max_jump: Decimal | None,
) -> str | None:
    """Say why a fetched rate must not be stored, or None; ``max_jump`` None skips jumps."""
    problem = value_problem(rate.rate, rate.nominal) or date_problem(
        rate.date, earliest=earliest, latest=latest
    )
    if problem or max_jump is None:
        return problem
    return jump_problem(column_round(rate.rate) / rate.nominal, reference, max_jump)
