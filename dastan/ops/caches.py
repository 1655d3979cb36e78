"""Django's cache backends, counting hits and misses by key family for /metrics.

The family is the key's first two ``word:word`` parts (``web:fragment``,
``dastan:rates``, ``content:version``), never the whole key, so the number of series
stays small. An entry that the fragment cache then finds past its own expiry still
counts as a hit here: the ratio measures the cache, not the freshness rule on top.
"""

from __future__ import annotations

import os
import re
import tempfile

from django.core.cache.backends import filebased, locmem, redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from dastan.ops.metrics import CACHE_REQUESTS

_FAMILY = re.compile(r"[a-z_]+(?::[a-z_]+)?")
_MISSING = object()


def key_family(key: str) -> str:
    """Return ``web:fragment`` for ``web:fragment:en:171.172:home``; ``other`` if unnamed."""
    found = _FAMILY.match(str(key))
    return found.group() if found else "other"


class CountingMixin:
    """Count each ``get`` and each key of ``get_many`` as a hit or a miss.

    Django's base ``get_many`` calls ``get`` per key (file and in-process caches), so only
    a backend with its own ``get_many`` (Redis: one MGET) counts there.
    """

    counts_get_many = False

    def get(self, key, default=None, version=None):
        value = super().get(key, _MISSING, version)
        CACHE_REQUESTS.labels(key_family(key), "miss" if value is _MISSING else "hit").inc()
        return default if value is _MISSING else value

    def get_many(self, keys, version=None):
        keys = list(keys)
        found = super().get_many(keys, version)
        if not self.counts_get_many:
            return found
        for key in keys:
            CACHE_REQUESTS.labels(key_family(key), "hit" if key in found else "miss").inc()
        return found


class RedisCache(CountingMixin, redis.RedisCache):
    """Django's Redis cache, counted."""

    counts_get_many = True


class FileBasedCache(CountingMixin, filebased.FileBasedCache):
    """Django's file cache, counted, with an ``add`` that is atomic.

    Django's file ``add`` looks for the file, then writes it: two workers can both
    "add" the same key, so a rebuild lock (``web.fragments``) would let both rebuild.
    Here the entry is written aside and hard-linked into place, which fails when
    the file exists; an expired one is removed (``has_key``) and the link tried again.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()
        name = self._key_to_file(key, version)
        descriptor, written = tempfile.mkstemp(dir=self._dir)
        try:
            with open(descriptor, "wb") as file:
                self._write_content(file, timeout, value)
            for _ in range(2):
                try:
                    os.link(written, name)
                except FileExistsError:
                    if self.has_key(key, version):
                        return False
                else:
                    return True
            return False
        finally:
            os.remove(written)


class LocMemCache(CountingMixin, locmem.LocMemCache):
    """Django's in-process cache, counted."""
