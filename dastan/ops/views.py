"""/healthz for load balancers and /metrics for Prometheus."""

from __future__ import annotations

import hmac

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dastan.ops.conf import ops_setting
from dastan.ops.health import health_report
from dastan.ops.metrics import metrics_exposition


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache and search answer, else 503; each check in the body."""
    healthy, body = health_report()
    return JsonResponse(body, status=200 if healthy else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """Allow the configured client addresses, or anyone with the bearer token."""
    token = ops_setting("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR") in ops_setting("METRICS_ALLOWED_ADDRESSES")


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition of every process of the server; 403 to other clients."""
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body, content_type = metrics_exposition()
    return HttpResponse(body, content_type=content_type)
