"""``dastan listings check [--repair]`` and ``dastan listings rebuild``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dastan.content.listings import listings_check, listings_rebuild


class Command(BaseCommand):
    help = (
        "Check or rebuild what listing pages read: the listing entries, their sizes and what "
        "corrections copy from their articles (kept on every write; see content.listings)."
    )

    def add_arguments(self, parser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        verbs.add_parser("rebuild", help="Rebuild every entry, size and copy from the articles.")
        check = verbs.add_parser("check", help="Compare them with what the articles give.")
        check.add_argument("--repair", action="store_true", help="Rebuild if they differ.")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "rebuild":
            self._rebuild()
            return
        report = listings_check()
        for name in ("missing", "extra", "sizes", "corrections"):
            self.stdout.write(f"{name}: {getattr(report, name)}")
        if report.ok:
            self.stdout.write("The listings match the articles.")
        elif options["repair"]:
            self._rebuild()
        else:
            raise CommandError("The listings differ from the articles; run with --repair.")

    def _rebuild(self) -> None:
        # One transaction: a reader sees the old listings or the new, never half of them.
        with transaction.atomic():
            listings_rebuild()
        self.stdout.write("Rebuilt the listings.")
