"""The range of publication dates Dastan accepts: checked on every way in.

A date such as 9999-12-31 is valid for the database but not for the pages
around it: the admin's date hierarchy and the site's time zone step past the
calendar's last day (``OverflowError``). Imports and the admin refuse dates
outside ``EARLIEST_YEAR`` .. now + ``YEARS_AHEAD`` years.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dastan.content.conf import site_setting


def published_at_bounds(*, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Return the earliest and latest publication times accepted now (UTC, inclusive)."""
    now = now or timezone.now()
    earliest = dt.datetime(int(site_setting("EARLIEST_YEAR")), 1, 1, tzinfo=dt.UTC)
    latest_year = min(now.year + int(site_setting("YEARS_AHEAD")), dt.MAXYEAR - 1)
    latest = dt.datetime(latest_year, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    return earliest, latest


def published_at_error(value: dt.datetime | None, *, now: dt.datetime | None = None) -> str:
    """Return why ``value`` cannot be a publication time, or '' when it can (None can)."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        return "a publication time needs a time zone"
    earliest, latest = published_at_bounds(now=now)
    if not earliest <= value <= latest:
        return (
            f"publication time {value.isoformat()} is outside "
            f"{earliest.year}..{latest.year} (settings EARLIEST_YEAR, YEARS_AHEAD)"
        )
    return ""
