"""``dastan backup [FILE]``: the database and the uploads in one archive with a manifest."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dastan.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the site (database and uploaded media) into one archive file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="Archive to write (.tar.gz compresses); default var/backups/dastan-<time>.tar.gz.",
        )

    def handle(self, *args, file: str | None = None, **options) -> None:
        path = Path(file) if file else self.default_path()
        try:
            result = backup_create(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{n} {name}" for name, n in result.manifest["counts"].items())
        media = result.manifest["media"]
        if media["stored"]:
            self.stdout.write(
                f"Backed up {result.manifest['database']['vendor']} ({counts}) and "
                f"{media['files']} media files to {result.path}"
            )
            return
        self.stdout.write(
            f"Backed up {result.manifest['database']['vendor']} ({counts}) to {result.path}. "
            f"Media are not in the archive: they are in {media['elsewhere']}; back that up "
            "with the object store's own tools (versioning, replication, a sync)."
        )

    def default_path(self) -> Path:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return Path(settings.VAR_DIR) / "backups" / f"dastan-{stamp}.tar.gz"
