"""Exact change computation and ticker formatting, with examples and property tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dastan.rates.formatting import (
    change_percent,
    direction,
    format_amount,
    format_change,
    format_value,
    inverse_change_percent,
    localize_number,
    places_for,
)

# Local units per USD, from a strong currency (0.3 per USD) to a very weak one (2 million).
local_per_usd = st.decimals(
    min_value=Decimal("0.3"), max_value=Decimal("2000000"), places=4, allow_nan=False
).filter(lambda d: d > 0)
values = st.decimals(
    min_value=Decimal("1e-9"), max_value=Decimal("100000"), allow_nan=False, allow_infinity=False
)


class FormatValueTests:
    def test_examples(self):
        """Weak currencies keep three significant digits; others get six places."""
        assert format_value(1 / Decimal("12905.32")) == "0.0000775"
        assert format_value(1 / Decimal("12194.21")) == "0.0000820"
        assert format_value(1 / Decimal("517.1")) == "0.001934"
        assert format_value(1 / Decimal("478.77")) == "0.002089"
        assert format_value(1 / Decimal("87.45")) == "0.011435"
        assert format_value(1 / Decimal("3.5")) == "0.285714"

    def test_amount(self):
        """The other direction is grouped: "1 USD = 12,905.32 UZS"."""
        assert format_amount(Decimal("12905.32")) == "12,905.32"
        assert format_amount(Decimal("478.7700000000")) == "478.77"
        assert format_amount(Decimal("9.3450")) == "9.345"
        assert format_amount(Decimal("3.5")) == "3.500"

    @given(values)
    def test_never_loses_the_number(self, value):
        """A positive value never prints as zero and keeps at least three significant digits."""
        text = format_value(value)
        digits = text.replace(",", "").replace(".", "").lstrip("0")
        assert Decimal(text.replace(",", "")) > 0
        assert len(digits) >= 3

    @given(values)
    def test_close_to_the_value(self, value):
        """The printed value is within half a unit of its last place."""
        text = format_value(value)
        places = len(text.split(".")[1])
        assert abs(Decimal(text.replace(",", "")) - value) <= Decimal(5).scaleb(-places - 1)

    @given(values)
    def test_places(self, value):
        """At least six places, and enough for three significant digits."""
        places = places_for(value, decimals=6, min_significant=3)
        assert places >= 6
        assert value.adjusted() + places >= 2


class ChangeTests:
    def test_readme_example(self):
        """KZT per USD falling 0.5752 % is the tenge rising 0.5786 % in USD."""
        previous, current = 1 / Decimal("481.54"), 1 / Decimal("478.77")
        assert round(change_percent(previous, current), 4) == Decimal("0.5786")
        assert format_change(change_percent(previous, current)) == "+0.58%"

    @given(local_per_usd, local_per_usd)
    def test_direction_is_opposite_of_local_per_usd(self, before, after):
        """More local units per USD means one local unit is worth less, and vice versa."""
        change = change_percent(1 / before, 1 / after)
        if after > before:
            assert change < 0 and direction(change) == "down"
        elif after < before:
            assert change > 0 and direction(change) == "up"
        else:
            assert change == 0 and direction(change) == "flat"

    @given(local_per_usd, local_per_usd)
    def test_computed_from_both_rates(self, before, after):
        """The change equals before/after - 1, not the flipped local-per-USD change."""
        change = change_percent(1 / before, 1 / after)
        expected = (before / after - 1) * 100
        assert abs(change - expected) <= (abs(expected) + 1) * Decimal("1e-20")

    @given(local_per_usd, local_per_usd)
    def test_from_rates_matches_from_values(self, before, after):
        """Computing from the two rates agrees with computing from the two inverses."""
        direct = inverse_change_percent(before, after)
        via_values = change_percent(1 / before, 1 / after)
        assert abs(direct - via_values) <= (abs(direct) + 1) * Decimal("1e-20")
        assert (direct > 0) == (after < before)

    @given(local_per_usd, local_per_usd, local_per_usd)
    def test_changes_compound(self, a, b, c):
        """Two days' changes compound to the change over both days."""
        ab = 1 + change_percent(1 / a, 1 / b) / 100
        bc = 1 + change_percent(1 / b, 1 / c) / 100
        ac = 1 + change_percent(1 / a, 1 / c) / 100
        assert abs(ab * bc - ac) <= ac * Decimal("1e-20")

    @given(st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=6))
    def test_format_change(self, percent):
        """The sign matches the change, and a real move never prints as zero."""
        text = format_change(percent)
        assert text.endswith("%")
        if percent > 0:
            assert text.startswith("+") and Decimal(text[1:-1]) > 0
        elif percent < 0:
            assert text.startswith("-") and Decimal(text[1:-1]) > 0
        else:
            assert text == "0.00%"

    def test_format_change_examples(self):
        assert format_change(Decimal("0.2149")) == "+0.21%"
        assert format_change(Decimal("-0.5752")) == "-0.58%"
        assert format_change(Decimal("0.0004")) == "+0.0004%"
        assert format_change(None) == ""
        assert direction(None) == "unknown"


class LargeValueTests:
    def test_rounding_never_overflows_the_context(self):
        """28 digits are not enough for 1e30 at 6 places; the precision grows to fit."""
        assert format_value(Decimal("1e30")) == f"{10**30:,}.000000"
        assert format_change(Decimal("1e40")).startswith("+10000000000")


class LocalizeNumberTests:
    def test_russian_separators(self):
        """A narrow space groups thousands and a comma marks decimals, as Russian readers expect."""
        assert localize_number("12,905.32", decimal=",", thousands="\xa0") == "12\xa0905,32"
        assert localize_number("+0.58%", decimal=",", thousands="\xa0") == "+0,58%"

    @given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6))
    def test_reversible(self, value):
        """Only the separators change: swapping them back gives the English text."""
        english = format_value(value)
        russian = localize_number(english, decimal=",", thousands="\xa0")
        assert russian.replace(",", ".").replace("\xa0", ",") == english
