"""The generic HTTP purge: the keys in a Surrogate-Key header and a JSON body, to each URL."""

from __future__ import annotations

import json

import httpx
import pytest

from dastan.web.purge.http import Backend


def recorder(status: int = 200):
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status)

    return sent, httpx.MockTransport(handle)


class HttpPurgeTests:
    def test_each_url_gets_the_keys_with_the_configured_method_and_headers(self):
        sent, transport = recorder()
        backend = Backend(
            urls=["https://cdn.example/purge", "http://varnish.internal/"],
            method="PURGE",
            headers={"Authorization": "Bearer t"},
            transport=transport,
        )
        backend.purge(["home-en", "article-7", "home-en"])
        assert [str(r.url) for r in sent] == [
            "https://cdn.example/purge",
            "http://varnish.internal/",
        ]
        for request in sent:
            assert request.method == "PURGE"
            assert request.headers["Surrogate-Key"] == "article-7 home-en"
            assert request.headers["Authorization"] == "Bearer t"
            body = json.loads(request.content)
            assert body == {"keys": ["article-7", "home-en"], "tags": ["article-7", "home-en"]}

    def test_many_keys_go_in_batches(self):
        sent, transport = recorder()
        Backend(urls=["https://cdn.example/purge"], batch=2, transport=transport).purge(
            ["a-1", "a-2", "a-3"]
        )
        assert [r.headers["Surrogate-Key"] for r in sent] == ["a-1 a-2", "a-3"]

    def test_a_refused_purge_raises(self):
        _, transport = recorder(status=403)
        with pytest.raises(httpx.HTTPStatusError):
            Backend(urls=["https://cdn.example/purge"], transport=transport).purge(["site"])
