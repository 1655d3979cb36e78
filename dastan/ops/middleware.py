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
    return request_id_given(request.headers.get("X-Request-ID", ""))


def request_id_given(given: str) -> str:
    """Return ``given`` (an ``X-Request-ID`` header) when it is usable, else a new random id."""
    return given if given and _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex


def request_record(
    *, route: str, method: str, path: str, status: int, seconds: float, request_id: str
) -> None:
    """Count a request's latency by route and write its log line.

    Also called for the pages ``web.pagestore`` answers before Django runs.
    """
    REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(seconds)
    if not logger.isEnabledFor(logging.INFO):
        return
    token = request_id_var.set(request_id)
    try:
        logger.info(
            "%s %s %d %.1f ms",
            method,
            path,
            status,
            seconds * 1000,
            extra={"route": route, "status": status, "ms": round(seconds * 1000, 1)},
        )
    finally:
        request_id_var.reset(token)


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
        if route == "search:search":
            SEARCH_SECONDS.labels("query" if request.GET.get("q") else "form").observe(seconds)
        request_record(
            route=route,
            method=request.method,
            path=request.path,
            status=response.status_code,
            seconds=seconds,
            request_id=request.request_id,
        )
