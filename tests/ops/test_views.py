"""/healthz and /metrics."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from dastan.ops import health
from dastan.ops.health import Check
from dastan.ops.models import JobState
from dastan.rates.models import RateObservation

pytestmark = pytest.mark.django_db


def rate(fetched_at) -> RateObservation:
    return RateObservation.objects.create(
        currency="USD",
        quote="KZT",
        rate="470.5",
        rate_date=fetched_at.date(),
        source="nbk",
        fetched_at=fetched_at,
    )


class HealthzTests:
    def test_a_healthy_site_answers_200_with_every_check(self, client):
        rate(timezone.now() - timedelta(hours=3))
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        body = json.loads(response.content)
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "cache", "search", "rates", "jobs"}
        assert all(check["ok"] for check in body["checks"].values())

    def test_a_failing_database_answers_503_naming_it(self, client, monkeypatch):
        def broken() -> Check:
            raise OSError("connection refused")

        monkeypatch.setitem(health.CHECKS, "database", broken)
        response = client.get("/healthz")
        assert response.status_code == 503
        body = json.loads(response.content)
        assert body["status"] == "failing"
        assert body["checks"]["database"] == {
            "ok": False,
            "detail": "OSError: connection refused",
            "ms": body["checks"]["database"]["ms"],
        }

    def test_old_rates_and_a_failing_job_show_but_keep_the_server_in_rotation(self, client):
        rate(timezone.now() - timedelta(days=9))
        JobState.objects.create(name="rates:nbk", due_at=timezone.now(), last_error="HTTP 503")
        response = client.get("/healthz")
        assert response.status_code == 200
        body = json.loads(response.content)
        assert body["status"] == "degraded"
        assert (
            not body["checks"]["rates"]["ok"] and "216.0 h ago" in body["checks"]["rates"]["detail"]
        )
        assert body["checks"]["jobs"]["detail"] == "last run failed: rates:nbk"

    def test_rates_can_be_made_critical(self, client, settings):
        settings.DASTAN_OPS = {"HEALTH_CRITICAL": ["database", "rates"]}
        rate(timezone.now() - timedelta(days=9))
        assert client.get("/healthz").status_code == 503

    def test_only_safe_methods(self, client):
        assert client.post("/healthz").status_code == 405


class MetricsTests:
    def test_metrics_from_an_allowed_address(self, client):
        client.get("/healthz")
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert 'dastan_request_seconds_count{method="GET",route="ops:healthz",status="2xx"}' in text
        assert "dastan_job_runs_total" in text or "# HELP dastan_job_runs_total" in text

    def test_other_addresses_are_refused(self, client):
        response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 403
        assert b"dastan_" not in response.content

    def test_the_token_opens_it_from_anywhere(self, client, settings):
        settings.DASTAN_OPS = {"METRICS_TOKEN": "s3cret-token", "METRICS_ALLOWED_ADDRESSES": []}
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
        wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
        assert wrong.status_code == 403
        right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
        assert right.status_code == 200
