"""The bounds a rate must meet, as pure functions: value, date, jump and the bank's change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dastan.rates.providers import Rate
from dastan.rates.validation import (
    Refusal,
    change_problem,
    column_places,
    date_problem,
    jump_problem,
    rate_problem,
    value_problem,
)

EARLIEST, LATEST = date(1992, 1, 1), date(2026, 4, 2)


class ValueProblemTests:
    @pytest.mark.parametrize(
        ("value", "nominal", "problem"),
        [
            ("1e15", 1, "too large: the column holds 14 digits before the point"),
            ("99999999999999.99999999999", 1, "too large"),
            ("1e-11", 1, "rounds to 0 at 10 decimal places"),
            ("5e-9", 1, "too small: fewer than 3 digits survive 10 decimal places"),
            ("0", 1, "not positive"),
            ("-478.77", 1, "not positive"),
            ("NaN", 1, "not a finite number"),
            ("sNaN", 1, "not a finite number"),
            ("-Infinity", 1, "not a finite number"),
            ("478.77", 0, "nominal 0 outside 1 to 1,000,000"),
            ("478.77", 10**7, "nominal 10000000 outside"),
        ],
    )
    def test_refused(self, value, nominal, problem):
        """Each out-of-bounds value is refused with its reason."""
        assert problem in value_problem(Decimal(value), nominal)

    @pytest.mark.parametrize(
        ("value", "nominal"),
        [("478.77", 1), ("0.0000775", 1), ("12905.32", 1), ("3.93", 100), ("0.4", 1000)],
    )
    def test_real_rates_pass(self, value, nominal):
        """The recorded banks' values, tiny and large, are fine."""
        assert value_problem(Decimal(value), nominal) is None

    def test_bounds_come_from_the_column(self):
        """The limits follow the model field: 24 digits, 10 of them decimals."""
        assert column_places() == (14, 10)
        assert value_problem(Decimal("99999999999999.9999"), 1) is None
        assert value_problem(Decimal("0.00000001"), 1) is None


class DateProblemTests:
    def test_future_beyond_next_business_day(self):
        assert "after the source's next business day 2026-04-02" in date_problem(
            date(2999, 1, 1), earliest=EARLIEST, latest=LATEST
        )

    def test_too_early(self):
        assert "before 1992-01-01" in date_problem(
            date(1900, 1, 1), earliest=EARLIEST, latest=LATEST
        )

    def test_within(self):
        assert date_problem(LATEST, earliest=EARLIEST, latest=LATEST) is None


class JumpProblemTests:
    def test_ten_times_is_allowed_more_is_not(self):
        """The factor is measured both ways: a 10x rise or fall passes, beyond does not."""
        ten = Decimal(10)
        assert jump_problem(Decimal("4787.7"), Decimal("478.77"), ten) is None
        assert jump_problem(Decimal("47.877"), Decimal("478.77"), ten) is None
        problem = jump_problem(Decimal("1000000000"), Decimal("12905.32"), ten)
        assert "jump of 77487.4x from the previous stored 12905.32" in problem
        assert "--accept-jumps" in problem

    def test_no_reference(self):
        """The first rate of a pair has nothing to compare with."""
        assert jump_problem(Decimal("1e9"), None, Decimal(10)) is None


class ChangeProblemTests:
    def test_previous_must_be_valid(self):
        """NBK's change of -2.77 on 478.77 implies 481.54; a change above the rate does not work."""
        assert change_problem(Decimal("478.77"), Decimal("-2.77")) is None
        assert change_problem(Decimal("478.77"), Decimal("478.77")) is not None
        assert change_problem(Decimal("478.77"), Decimal("-1e15")) is not None
        assert change_problem(Decimal("478.77"), Decimal("NaN")) is not None


class RateProblemTests:
    def rate(self, value: str, day: date = date(2026, 4, 1)) -> Rate:
        return Rate("USD", "UZS", Decimal(value), 1, day, "cbu")

    def test_order_value_date_jump(self):
        """Value first, then date, then the jump, which ``max_jump=None`` turns off."""
        kwargs = {"earliest": EARLIEST, "latest": LATEST, "reference": Decimal("12905.32")}
        assert "not positive" in rate_problem(self.rate("0"), max_jump=Decimal(10), **kwargs)
        far = self.rate("12905.32", date(2999, 1, 1))
        assert "after the source's" in rate_problem(far, max_jump=None, **kwargs)
        assert "jump" in rate_problem(self.rate("1e9"), max_jump=Decimal(10), **kwargs)
        assert rate_problem(self.rate("1e9"), max_jump=None, **kwargs) is None

    def test_refusal_names_source_currency_value_and_reason(self):
        refusal = Refusal(self.rate("1E+15"), "too large")
        assert str(refusal) == "cbu USD/UZS 1E+15 per 1 for 2026-04-01 refused: too large"
        assert not refusal.is_jump and Refusal(self.rate("1"), "jump of 2x").is_jump
