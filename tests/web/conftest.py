"""Fixtures shared by the reader site's tests."""

from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("DASTAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip() -> None:
    """Skip without a Redis server at ``REDIS_URL``; in CI fail instead (.ci/run starts one)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        reason = f"no Redis server at {REDIS_URL} ({exc}); .ci/run starts one"
        if os.environ.get("DASTAN_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(params=["locmem", "file", "redis"])
def stampede_cache(request, settings, tmp_path, transactional_db):
    """The cache each deployment shape uses: per process, files (embedded), Redis (servers)."""
    from django.core.cache import caches

    backends = {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "file": {
            # Dastan's own: Django's file cache has no atomic add (see dastan.ops.caches).
            "BACKEND": "dastan.ops.caches.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dastan-test-stampede",
        },
    }
    if request.param == "redis":
        redis_or_skip()
    settings.CACHES = {"default": backends[request.param]}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()
