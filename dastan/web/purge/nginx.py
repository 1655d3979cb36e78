"""Purge nginx's proxy cache by address, with the cache purge module.

nginx keeps no index of surrogate keys, so each key is turned back into the
addresses of its pages (``purge.paths``) and each address is sent a
``PURGE`` request: nginx built with ngx_cache_purge (the nginx-modules fork,
which takes a trailing ``*``) or nginx Plus's ``proxy_cache_purge``; see
docs/deployment.md for the configuration. A 404 means "not cached": done.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from dastan.web.purge.base import http_client
from dastan.web.purge.paths import key_paths


class Backend:
    def __init__(
        self,
        *,
        url: str = "http://127.0.0.1",
        host: str | None = None,
        method: str = "PURGE",
        edition_paths: dict[str, list[str]] | None = None,
        timeout: float = 2.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        # The cache key holds the site's host: a purge names it, whatever address it goes to.
        self.host = host or urlsplit(settings.DASTAN_SITE["BASE_URL"]).netloc
        self.method = method
        self.edition_paths = edition_paths
        self.timeout = timeout
        self.transport = transport

    def paths(self, keys: Sequence[str]) -> list[str]:
        found: set[str] = set()
        for key in keys:
            found.update(key_paths(key, edition_paths=self.edition_paths))
        if "/*" in found:
            return ["/*"]
        return sorted(found)

    def purge(self, keys: Sequence[str]) -> None:
        with http_client(timeout=self.timeout, transport=self.transport) as client:
            for path in self.paths(keys):
                response = client.request(self.method, self.url + path, headers={"Host": self.host})
                if response.status_code not in (200, 204, 404, 412):
                    response.raise_for_status()
