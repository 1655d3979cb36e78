"""Request ids, the request log line and the latency by route."""

from __future__ import annotations

import io
import json
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from dastan.ops.logs import JsonFormatter, RequestIdFilter
from dastan.ops.middleware import request_id_from
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def observed(route: str, status: str = "2xx") -> float:
    value = REGISTRY.get_sample_value(
        "dastan_request_seconds_count", {"route": route, "method": "GET", "status": status}
    )
    return value or 0.0


class RequestIdTests:
    def test_a_new_id_is_made_and_echoed(self, client):
        first = client.get("/healthz")["X-Request-ID"]
        second = client.get("/healthz")["X-Request-ID"]
        assert len(first) == 32 and first != second

    def test_the_proxy_id_is_echoed(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.1")
        assert response["X-Request-ID"] == "edge-7f3a.1"

    def test_the_log_line_names_the_request_and_its_route(self, client):
        ArticleFactory()
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(JsonFormatter())
        requests = logging.getLogger("dastan.requests")
        requests.addHandler(handler)
        try:
            client.get("/", HTTP_X_REQUEST_ID="abc123")
        finally:
            requests.removeHandler(handler)
        [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
        assert (line["request_id"], line["route"], line["status"]) == ("abc123", "web:home", 200)
        assert line["message"].startswith("GET / 200 ")

    @given(st.text(max_size=300))
    @settings(max_examples=200, deadline=None)
    def test_a_hostile_header_never_reaches_the_logs(self, header):
        from django.test import RequestFactory

        request = RequestFactory().get("/", HTTP_X_REQUEST_ID=header)
        found = request_id_from(request)
        assert 1 <= len(found) <= 128
        assert found.isascii() and "\n" not in found and " " not in found


class LatencyTests:
    def test_requests_are_timed_by_route_name_not_path(self, client):
        article = ArticleFactory()
        before, missing = observed("web:article"), observed("unmatched", "4xx")
        client.get(article.get_absolute_url())
        client.get("/no/such/page/")
        assert observed("web:article") == before + 1
        assert observed("unmatched", "4xx") == missing + 1

    def test_search_latency(self, client):
        def count(kind: str) -> float:
            found = REGISTRY.get_sample_value("dastan_search_seconds_count", {"kind": kind})
            return found or 0.0

        before = count("query")
        client.get("/search/?q=steppe")
        assert count("query") == before + 1
