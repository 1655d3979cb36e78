"""Tell a shared cache (CDN, nginx) which pages a committed write changed.

One backend protocol (``base.PurgeBackend``) and one module per kind of
cache, chosen by ``DASTAN_HTTP_CACHE["PURGE"]["BACKEND"]`` and built from its
``OPTIONS``, as Django builds a cache from ``CACHES``. ``content.versioning``
sends ``content_expired`` with the expired keys after each commit;
``pages_purge`` hands them to the backend. A failed purge is logged, never
raised: the write is done, and the shared cache's ``s-maxage`` bounds how long
it may show the old page.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence

from dastan.web.conf import http_cache_setting
from dastan.web.purge.base import PurgeBackend

logger = logging.getLogger("dastan.web.purge")


def purge_backend() -> PurgeBackend | None:
    """Return the configured backend, or None when no shared cache is to be purged."""
    config = http_cache_setting("PURGE")
    if not config:
        return None
    module = importlib.import_module(config["BACKEND"])
    return module.Backend(**config.get("OPTIONS", {}))


def pages_purge(keys: Sequence[str]) -> None:
    """Purge the pages tagged with any of ``keys`` from the shared cache, if one is set."""
    backend = purge_backend()
    if backend is None or not keys:
        return
    try:
        backend.purge(list(keys))
    except Exception:
        logger.exception("Purging %d keys failed: %s", len(keys), " ".join(keys[:20]))


def _on_content_expired(sender, keys: Sequence[str] = (), **kwargs) -> None:
    pages_purge(keys)


def connect_purge() -> None:
    from dastan.content.signals import content_expired

    content_expired.connect(_on_content_expired, dispatch_uid="web-purge")
