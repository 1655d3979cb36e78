"""``dastan restore FILE``: put a ``dastan backup`` archive back into this site."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dastan.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive (database and media); stop the app servers and worker first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="An archive written by dastan backup.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a site that already holds content."
        )

    def handle(self, *args, file: str, force: bool = False, **options) -> None:
        try:
            counts = backup_restore(Path(file), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        found = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Restored {file}: {found}, as the backup recorded.")
