"""Purge by surrogate key through an HTTP API (Fastly, Varnish xkey, a CDN's purge endpoint).

Every configured URL gets one request per batch of keys, with the keys in a
``Surrogate-Key`` header (space-separated, as Fastly and Varnish's xkey read
them) and in a JSON body ``{"keys": [...], "tags": [...]}`` (Cloudflare's
``purge_cache`` reads ``tags``). Credentials go in the ``headers`` option.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from dastan.web.purge.base import http_client

# Fastly takes up to 256 keys per purge request; Cloudflare up to 30 tags on some plans.
DEFAULT_BATCH = 256


class Backend:
    def __init__(
        self,
        *,
        urls: Sequence[str],
        method: str = "POST",
        headers: dict[str, str] | None = None,
        batch: int = DEFAULT_BATCH,
        timeout: float = 2.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.urls = list(urls)
        self.method = method
        self.headers = dict(headers or {})
        self.batch = max(1, batch)
        self.timeout = timeout
        self.transport = transport

    def purge(self, keys: Sequence[str]) -> None:
        keys = sorted(set(keys))
        with http_client(timeout=self.timeout, transport=self.transport) as client:
            for start in range(0, len(keys), self.batch):
                part = keys[start : start + self.batch]
                headers = {**self.headers, "Surrogate-Key": " ".join(part)}
                for url in self.urls:
                    response = client.request(
                        self.method, url, headers=headers, json={"keys": part, "tags": part}
                    )
                    response.raise_for_status()
