"""One middleware per request: its id, its log line and its latency by route."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dastan.ops.logs import request_id_var
from dastan.ops.metrics import REQUEST_SECONDS, SEARCH_SECONDS

logger = logging.getLogger("dastan.requests")

# An id from the proxy is echoed only when it is short and plain: it is written into
# every log line, so it must not carry a newline or a megabyte.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(request: HttpRequest) -> str:
    """Return the proxy's ``X-Request-ID`` when it is usable, else a new random id."""
    given = request.headers.get("X-Request-ID", "")
    return given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex


class RequestMiddleware:
    """Give each request an id (echoed in ``X-Request-ID``), log it, and time it by route.

    First in ``MIDDLEWARE``, so the time and the log line cover every other middleware
    and a redirect or a refused request is counted too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            self.record(request, response, seconds)
            return response
        finally:
            request_id_var.reset(token)

    def record(self, request: HttpRequest, response: HttpResponse, seconds: float) -> None:
        match = getattr(request, "resolver_match", None)
        # The route's name, never the path: one series per page type, not per article.
        route = match.view_name if match and match.view_name else "unmatched"
        status = f"{response.status_code // 100}xx"
        REQUEST_SECONDS.labels(route, request.method, status).observe(seconds)
        if route == "search:search":
            SEARCH_SECONDS.labels("query" if request.GET.get("q") else "form").observe(seconds)
        logger.info(
            "%s %s %d %.1f ms",
            request.method,
            request.path,
            response.status_code,
            seconds * 1000,
            extra={"route": route, "status": response.status_code, "ms": round(seconds * 1000, 1)},
        )
