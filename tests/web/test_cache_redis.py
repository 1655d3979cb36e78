"""The site's cache on a real Redis server, as a multi-server deployment runs it."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from dastan.web.context_processors import NAVIGATION_CACHE_KEY
from tests.factories import SectionFactory
from tests.web.conftest import REDIS_URL, redis_or_skip

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def redis_cache(settings):
    redis_or_skip()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dastan-test",
        }
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


class RedisCacheTests:
    def test_navigation_is_cached_in_redis(self, client, redis_cache):
        """A second app server reading the same Redis sees the navigation the first one built."""
        SectionFactory(name="Economy", slug="economy")
        # Not the home page: a cold home shows the sections its blocks read (issue #15).
        assert client.get("/corrections/").status_code == 200
        import redis

        raw = redis.Redis.from_url(REDIS_URL)
        keys = [k.decode() for k in raw.keys("dastan-test:*")]
        assert any(NAVIGATION_CACHE_KEY in k for k in keys)
        assert redis_cache.get(f"{NAVIGATION_CACHE_KEY}:en") == [("Economy", "/section/economy/")]
