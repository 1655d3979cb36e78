"""The purge backend protocol: drop from a shared cache every page tagged with given keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import httpx


class PurgeBackend(Protocol):
    def purge(self, keys: Sequence[str]) -> None:
        """Drop every cached page whose ``Surrogate-Key`` holds one of ``keys``.

        Raise on failure (``pages_purge`` logs it).
        """


def http_client(*, timeout: float, transport: httpx.BaseTransport | None) -> httpx.Client:
    """Return the client backends send with; tests pass an ``httpx.MockTransport``."""
    return httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)
