"""``dastan import articles FILE.jsonl`` (and ``dastan import wordpress``)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from dastan.importers.jsonlines import articles_load


class Command(BaseCommand):
    help = "Import content: 'articles FILE.jsonl' or 'wordpress EXPORT.xml'."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        articles = verbs.add_parser("articles", help="Load articles from a JSON-lines file.")
        articles.add_argument("path", help="JSON-lines file, one article a line ('-' for stdin)")
        articles.add_argument("--quiet-progress", action="store_true", help="No progress bar.")
        self._add_wordpress(verbs)

    def _add_wordpress(self, verbs) -> None:
        from dastan.importers.wordpress import command as wordpress

        wordpress.add_arguments(
            verbs.add_parser("wordpress", help="Import a WordPress WXR export.")
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor == "sqlite":
            # Mapped pages of a large database count as the importer's resident
            # memory, and an import reads too little to gain from mapping.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA mmap_size=0")
        if options["verb"] == "articles":
            self.import_articles(options)
        elif options["verb"] == "wordpress":
            from dastan.importers.wordpress import command as wordpress

            wordpress.handle(options, self.stdout)

    def import_articles(self, options: dict) -> None:
        path = options["path"]
        if path != "-" and not Path(path).is_file():
            raise CommandError(f"No such file: {path}")
        # Bytes: each line is decoded on its own, so one that is not UTF-8 is one bad line.
        stream = _stdin_bytes() if path == "-" else open(path, "rb")  # noqa: SIM115
        with (
            stream,
            tqdm(unit=" articles", disable=options["quiet_progress"], file=sys.stderr) as bar,
        ):
            report = articles_load(stream, on_progress=bar.update)
        for number, note in report.notes:
            self.stderr.write(f"{path}:{number}: note: {note}")
        for number, reason in report.errors:
            self.stderr.write(f"{path}:{number}: {reason}")
        for number, reason in report.unlinked:
            self.stderr.write(f"{path}:{number}: loaded, not linked: {reason}")
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} bad line(s)"
            + (f", {report.linked} translation(s) linked" if report.linked else "")
            + (f", {len(report.unlinked)} not linked" if report.unlinked else "")
        )
        if report.errors and not (report.created or report.updated or report.unchanged):
            raise CommandError("No line could be loaded.")


def _stdin_bytes():
    return getattr(sys.stdin, "buffer", sys.stdin)
