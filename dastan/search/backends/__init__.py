"""Pick the search backend: ``DASTAN_SEARCH["BACKEND"]``, else the database's own engine.

Like Django's cache framework, the setting is a dotted module path; the module
defines ``SearchBackend``. Views, signals and commands call :func:`get_backend`
and never name a backend.
"""

from __future__ import annotations

from importlib import import_module

from django.db import connections

from dastan.search.conf import search_setting

BY_VENDOR = {
    "sqlite": "dastan.search.backends.sqlite_fts5",
    "postgresql": "dastan.search.backends.postgres",
}


def backend_path(using: str = "default") -> str:
    """Return the dotted path of the configured backend module."""
    return search_setting("BACKEND") or BY_VENDOR.get(connections[using].vendor, "")


def get_backend(using: str = "default"):
    """Return the search backend for the ``using`` database connection."""
    path = backend_path(using)
    if not path:
        raise LookupError(
            f"No search backend for the {connections[using].vendor!r} database; "
            'set DASTAN_SEARCH = {"BACKEND": "dotted.module.path"}.'
        )
    return import_module(path).SearchBackend(connections[using])
