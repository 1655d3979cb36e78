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
    args = sys.argv[1:] if argv is None else argv
    # The demo's published logins would be refused by the second-factor rule of every other
    # setting; only the demo relaxes it (dastan/settings/demo.py).
    default = "dastan.settings.demo" if args[:1] == ["demo"] else "dastan.settings.dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from django.core.management import execute_from_command_line

    _ensure_database_directory()
    execute_from_command_line(["dastan", *args])
