"""System checks: the configured backend exists and SQLite has FTS5."""

from __future__ import annotations

from django.core import checks
from django.db import connection


def check_backend(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when no backend serves the database or SQLite lacks FTS5."""
    from dastan.search.backends import backend_path

    path = backend_path()
    if not path:
        return [
            checks.Warning(
                f"No search backend for the {connection.vendor!r} database.",
                hint='Set DASTAN_SEARCH = {"BACKEND": "dotted.module.path"}.',
                id="search.W001",
            )
        ]
    if path.endswith("sqlite_fts5") and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA compile_options")
            options = {row[0] for row in cursor.fetchall()}
        if "ENABLE_FTS5" not in options:
            return [
                checks.Error(
                    "This SQLite library was built without FTS5; search cannot work.",
                    hint="Use a Python whose sqlite3 has FTS5 (most do), or PostgreSQL.",
                    id="search.E001",
                )
            ]
    return []


def register() -> None:
    """Register the checks (tagged ``database``: they run when a database is wanted)."""
    checks.register(check_backend, checks.Tags.database)
