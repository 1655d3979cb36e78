"""``dastan rates fetch`` and ``dastan rates backfill``: read the central banks' feeds."""

from __future__ import annotations

import sys
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dastan.rates import providers
from dastan.rates.services import RefreshResult, rates_client, rates_refresh


def iso_date(text: str) -> date:
    """Read YYYY-MM-DD for argparse."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Fetch official exchange rates from the central banks."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{fetch,backfill}")
        fetch = verbs.add_parser("fetch", help="Fetch one day's rates (today by default).")
        fetch.add_argument("--date", type=iso_date, help="The day to fetch, YYYY-MM-DD.")
        self.add_source_argument(fetch)
        self.add_jumps_argument(fetch)
        fill = verbs.add_parser("backfill", help="Fetch every day in a range, with progress.")
        fill.add_argument("--from", dest="start", type=iso_date, required=True, help="First day.")
        fill.add_argument("--to", dest="end", type=iso_date, required=True, help="Last day.")
        self.add_source_argument(fill)
        self.add_jumps_argument(fill)

    def add_source_argument(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            action="append",
            dest="sources",
            metavar="NAME",
            help=f"Only this source (repeatable): {', '.join(providers.names())}.",
        )

    def add_jumps_argument(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--accept-jumps",
            action="store_true",
            help="Store rates more than MAX_JUMP times away from the previous one (a real move).",
        )

    def handle(
        self,
        *args,
        verb: str,
        sources: list[str] | None = None,
        accept_jumps: bool = False,
        **options,
    ) -> None:
        self.check_sources(sources)
        if verb == "fetch":
            result = rates_refresh(day=options["date"], sources=sources, accept_jumps=accept_jumps)
            self.report(result)
        else:
            result = self.backfill(options["start"], options["end"], sources, accept_jumps)
        problems = []
        if result.errors:
            problems.append(f"{len(result.errors)} source(s) failed")
        if result.refused:
            problems.append(f"{len(result.refused)} rate(s) refused")
        if any(refusal.is_jump for refusal in result.refused):
            problems.append("rerun with --accept-jumps if the jumps are real")
        if problems:
            raise CommandError(f"{'; '.join(problems)}; see the log above")

    def check_sources(self, sources: list[str] | None) -> None:
        unknown = sorted(set(sources or []) - set(providers.names()))
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(unknown)}")

    def backfill(
        self, start: date, end: date, sources: list[str] | None, accept_jumps: bool
    ) -> RefreshResult:
        """Fetch each day from ``start`` to ``end``, sharing one HTTP connection pool."""
        if end < start:
            raise CommandError("--to must not be before --from")
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        total = RefreshResult()
        with rates_client() as client:
            for day in tqdm(days, desc="rates", unit="day", disable=None, file=sys.stderr):
                result = rates_refresh(
                    day=day,
                    sources=sources,
                    client=client,
                    fallback=False,
                    accept_jumps=accept_jumps,
                )
                total.stored += result.stored
                total.errors += result.errors
                total.refused += result.refused
                total.fetched += result.fetched
        self.report(total)
        return total

    def report(self, result: RefreshResult) -> None:
        stored = result.stored
        self.stdout.write(
            f"{stored.created} new, {stored.corrected} corrected, {stored.unchanged} unchanged"
            f" from {', '.join(dict.fromkeys(result.fetched)) or 'no source'}"
        )
        for error in result.errors:
            self.stderr.write(f"error: {error}")
        for refusal in result.refused:
            self.stderr.write(f"refused: {refusal}")
