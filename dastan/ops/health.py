"""What /healthz checks: each check is cheap (one query or one cache round trip).

Database, cache and search decide the status code a load balancer reads; rates age and
failing jobs are reported in the body but, by default, do not take a server out of
rotation: a bank that has not published must not empty the balancer's pool.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from dastan.ops.conf import ops_setting


@dataclass
class Check:
    ok: bool
    detail: str
    ms: float = 0.0


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(True, connection.vendor)


def check_cache() -> Check:
    token = uuid.uuid4().hex
    cache.set("ops:health", token, 30)
    if cache.get("ops:health") != token:
        return Check(False, "the cache did not give back what was just written")
    return Check(True, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])


def check_search() -> Check:
    """Run a one-word search through the index, as the /search/ page would."""
    from dastan.search.backends import get_backend
    from dastan.search.backends.base import Filters
    from dastan.search.query import parse

    get_backend().search(
        parse("news"), filters=Filters(), now=timezone.now(), limit=1, facets=False
    )
    return Check(True, "the index answers")


def check_rates() -> Check:
    """Fail when the newest stored rate was fetched more than HEALTH_RATES_MAX_AGE_DAYS ago."""
    from dastan.rates.models import RateObservation

    newest = RateObservation.objects.aggregate(at=Max("fetched_at"))["at"]
    if newest is None:
        return Check(True, "no rates stored yet")
    age = timezone.now() - newest
    days = ops_setting("HEALTH_RATES_MAX_AGE_DAYS")
    hours = age.total_seconds() / 3600
    return Check(age.days < days, f"newest rate fetched {hours:.1f} h ago (limit {days} days)")


def check_jobs() -> Check:
    """Fail while a job's last run failed (it is being retried, or waits for its next time)."""
    from dastan.ops.models import JobState

    failing = list(JobState.objects.exclude(last_error="").values_list("name", flat=True))
    if failing:
        return Check(False, "last run failed: " + ", ".join(failing))
    return Check(True, "no failing job")


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "cache": check_cache,
    "search": check_search,
    "rates": check_rates,
    "jobs": check_jobs,
}


def health_report() -> tuple[bool, dict]:
    """Run every check; return whether the critical ones passed, and the JSON body."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:
            result = Check(False, f"{type(exc).__name__}: {exc}")
        result.ms = round((time.perf_counter() - started) * 1000, 1)
        results[name] = asdict(result)
    critical = ops_setting("HEALTH_CRITICAL")
    healthy = all(results[name]["ok"] for name in critical if name in results)
    status = "ok" if all(r["ok"] for r in results.values()) else "degraded"
    return healthy, {"status": status if healthy else "failing", "checks": results}
