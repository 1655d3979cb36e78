"""Shared test set-up: markers for tests that need a real service or browser."""

from __future__ import annotations

import os

import pytest


def services_required() -> bool:
    """In CI (``DASTAN_TEST_REQUIRE_SERVICES=1``) a missing service fails instead of skipping."""
    return os.environ.get("DASTAN_TEST_REQUIRE_SERVICES") == "1"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build any interface catalogue older than its .po, so a bare ``pytest`` sees the edits."""
    from dastan.locale_build import catalogues_compile

    catalogues_compile(stale_only=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    if os.environ.get("DASTAN_DATABASE_URL") and not on_postgres:
        # The PostgreSQL pass must not quietly become a second SQLite pass.
        raise pytest.UsageError("DASTAN_DATABASE_URL is set but the tests are not on PostgreSQL")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="runs in the PostgreSQL pass of the suite (make test-postgres)"
                )
            )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache, so cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
