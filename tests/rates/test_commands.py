"""``dastan rates fetch`` and ``dastan rates backfill``, with the network mocked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dastan.rates.models import RateObservation

from .conftest import recorded

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class FetchCommandTests:
    def test_fetch_one_source(self, banks):
        """--source limits the fetch; the summary counts what was stored."""
        out, _ = run("fetch", "--source", "nbk")
        assert out.startswith("39 new, 0 corrected, 0 unchanged from nbk")
        assert banks.hits("nbk") == 1 and banks.hits("cbu") == 0

    def test_fetch_date(self, banks):
        """--date asks each source for that day."""
        run("fetch", "--date", "2026-05-18", "--source", "nbt")
        assert "date=2026-05-18" in str(banks.requests[0].url)
        assert RateObservation.objects.filter(source="nbt", rate_date=date(2026, 5, 18)).exists()

    def test_failure_exits_non_zero(self, banks):
        """A failing source makes the command fail, naming it."""
        banks.answer("cbu", 500)
        with pytest.raises(CommandError, match="1 source"):
            run("fetch", "--source", "cbu")

    def test_unknown_source(self, banks):
        with pytest.raises(CommandError, match="unknown source"):
            run("fetch", "--source", "ecb")

    def test_bad_date(self):
        with pytest.raises(CommandError, match="not a date"):
            run("fetch", "--date", "28.03.2026")


class BackfillCommandTests:
    def test_range(self, banks):
        """Every day in the range is asked for; the dated feed stores its own date."""
        out, _ = run("backfill", "--from", "2026-03-30", "--to", "2026-04-01", "--source", "cbu")
        assert banks.hits("cbu") == 3
        assert "75 new" in out and "150 unchanged" in out

    def test_reversed_range(self, banks):
        with pytest.raises(CommandError, match="--to must not be before --from"):
            run("backfill", "--from", "2026-04-02", "--to", "2026-04-01")

    def test_failures_exit_non_zero(self, banks):
        """Failed days are reported after the whole range ran."""
        banks.answer("nbk", 500)
        with pytest.raises(CommandError, match="2 source"):
            run("backfill", "--from", "2026-03-30", "--to", "2026-03-31", "--source", "nbk")
        assert banks.hits("erapi") == 0


class RefusedRatesCommandTests:
    def test_refusal_exits_non_zero_and_names_the_value(self, banks):
        """A refused rate is printed with its reason and the command fails, so cron reports it."""
        banks.answer("cbu", recorded("cbu").replace(b'"Rate":"12194.21"', b'"Rate":"1e15"'))
        err = StringIO()
        with pytest.raises(CommandError, match="1 rate\\(s\\) refused"):
            call_command("rates", "fetch", "--source", "cbu", stdout=StringIO(), stderr=err)
        assert "refused: cbu USD/UZS 1E+15 per 1 for 2026-04-01 refused: too large" in (
            err.getvalue()
        )
        assert RateObservation.objects.filter(source="cbu").count() == 74

    def test_accept_jumps(self, banks):
        """A jump is refused with a hint; --accept-jumps stores it."""
        run("fetch", "--source", "cbu")
        banks.answer("cbu", recorded("cbu").replace(b'"Rate":"12194.21"', b'"Rate":"999999"'))
        with pytest.raises(CommandError, match="rerun with --accept-jumps"):
            run("fetch", "--source", "cbu")
        out, _ = run("fetch", "--source", "cbu", "--accept-jumps")
        assert out.startswith("0 new, 1 corrected")
        usd = RateObservation.objects.get(source="cbu", currency="USD")
        assert usd.rate == Decimal("999999")

    def test_backfill_accepts_jumps_too(self, banks):
        run("backfill", "--from", "2026-04-01", "--to", "2026-04-01", "--source", "cbu")
        banks.answer("cbu", recorded("cbu").replace(b'"Rate":"12194.21"', b'"Rate":"999999"'))
        with pytest.raises(CommandError, match="refused"):
            run("backfill", "--from", "2026-04-01", "--to", "2026-04-01", "--source", "cbu")
        run(
            "backfill",
            "--from",
            "2026-04-01",
            "--to",
            "2026-04-01",
            "--source",
            "cbu",
            "--accept-jumps",
        )
        assert RateObservation.objects.get(source="cbu", currency="USD").rate == 999999
