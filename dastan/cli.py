"""The ``dastan`` command: Django's management commands with the product's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``dastan demo``, ``dastan rates fetch``, ``dastan migrate``...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dastan", *(sys.argv[1:] if argv is None else argv)])
