"""Prometheus metrics: what they count, and the /metrics exposition.

Under gunicorn each worker is its own process; with ``PROMETHEUS_MULTIPROC_DIR`` set
(``dastan serve`` sets it) prometheus_client writes each process's values to files there,
and /metrics adds them up, so any worker answers for all of them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_SECONDS = Histogram(
    "dastan_request_seconds",
    "Time to answer a request, by route name and method.",
    ["route", "method", "status"],
)
CACHE_REQUESTS = Counter(
    "dastan_cache_requests_total",
    "Cache reads by key family (web:fragment, web:navigation...) and result (hit, miss).",
    ["family", "result"],
)
PAGE_STORE = Counter(
    "dastan_page_store_total",
    "Whole-page store lookups (web.pagestore) by result: hit, stale (served while another "
    "request rebuilds), rebuild (rendered by Django to be kept), pass (rendered, nothing kept).",
    ["result"],
)
SEARCH_SECONDS = Histogram(
    "dastan_search_seconds",
    "Time the /search/ page takes, by whether it ran a query.",
    ["kind"],
)
JOB_RUNS = Counter(
    "dastan_job_runs_total",
    "Job runs by job name and outcome (ok, retry, failed).",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram("dastan_job_seconds", "Time one job run takes.", ["job"])


def metrics_exposition() -> tuple[bytes, str]:
    """Return the metrics text and its content type, for every process of the server."""
    # prometheus_client itself reads this variable; the same one decides here.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
