"""Operations settings with their defaults, read at call time (never at import time).

``DASTAN_OPS`` in the settings overrides any key; ``JOBS`` is merged by job name, and a
job set to ``None`` is turned off.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _rates_job(sources: list[str], times: list[str], zone: str) -> dict[str, Any]:
    return {
        "CALL": "dastan.ops.jobs.tasks.rates_fetch",
        "ARGS": sources,
        "AT": times,
        "TIME_ZONE": zone,
    }


# The schedule table. Rates: each bank publishes on its own clock, NBT early in the
# morning and the others in the afternoon (docs/rates.md); a second run three hours
# later picks up a late or corrected file. TMT's job also reads the peg, so the
# aggregator is not called when CBT is unreachable from abroad.
JOBS: dict[str, dict[str, Any]] = {
    "rates:nbk": _rates_job(["nbk"], ["16:00", "19:00"], "Asia/Almaty"),
    "rates:nbkr": _rates_job(["nbkr"], ["16:00", "19:00"], "Asia/Bishkek"),
    "rates:nbt": _rates_job(["nbt"], ["09:00", "12:00"], "Asia/Dushanbe"),
    "rates:cbu": _rates_job(["cbu"], ["16:00", "19:00"], "Asia/Tashkent"),
    "rates:cbt": _rates_job(["cbt", "fixed"], ["16:00", "19:00"], "Asia/Ashgabat"),
    # Finds and mends what the save signals missed (a bulk update, a crash mid-write).
    "search:check": {"CALL": "dastan.ops.jobs.tasks.search_check", "AT": ["03:30"]},
}

DEFAULTS: dict[str, Any] = {
    "JOBS": {},
    # A failed job is tried again this many times, BACKOFF seconds later, then twice as long...
    "JOB_RETRIES": 3,
    "JOB_BACKOFF": 900,
    # How long a claimed job stays locked: a worker that died mid-job frees it after this.
    "JOB_LOCK_SECONDS": 3600,
    # Longest sleep between two looks at the schedule table.
    "WORKER_POLL_SECONDS": 30,
    # /healthz: the checks that answer 503 when they fail (the others only show in the body).
    "HEALTH_CRITICAL": ["database", "cache", "search"],
    # /healthz: rates older than this many days make the check fail (weekends and holidays
    # leave up to four days between two official rates).
    "HEALTH_RATES_MAX_AGE_DAYS": 5,
    # /metrics: client addresses allowed, and a bearer token that is accepted from anywhere.
    "METRICS_ALLOWED_ADDRESSES": ["127.0.0.1", "::1"],
    "METRICS_TOKEN": "",
}


def ops_setting(name: str) -> Any:
    """Return ``DASTAN_OPS[name]`` or its default."""
    return getattr(settings, "DASTAN_OPS", {}).get(name, DEFAULTS[name])


def jobs_table() -> dict[str, dict[str, Any]]:
    """Return the schedule table: the defaults with ``DASTAN_OPS["JOBS"]`` merged in."""
    table = {**JOBS, **ops_setting("JOBS")}
    return {name: spec for name, spec in table.items() if spec is not None}
