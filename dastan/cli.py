"""The ``dastan`` command: Django's management commands with the product's settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _ensure_database_directory() -> None:
    """Create the embedded database's directory (``./var/``) before anything connects."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``dastan demo``, ``dastan rates fetch``, ``dastan migrate``...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.dev")
    from django.core.management import execute_from_command_line

    _ensure_database_directory()
    execute_from_command_line(["dastan", *(sys.argv[1:] if argv is None else argv)])
