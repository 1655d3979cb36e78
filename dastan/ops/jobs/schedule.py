"""The schedule table read from settings: each job's callable and when it is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from dastan.ops.conf import jobs_table


@dataclass(frozen=True)
class Job:
    """A job runs ``call(*args)`` every ``every`` seconds, or daily at ``at`` in ``zone``."""

    name: str
    call: str
    args: tuple[str, ...] = ()
    at: tuple[time, ...] = ()
    zone: str = "UTC"
    every: int | None = None

    def next_after(self, moment: datetime) -> datetime:
        """Return the first due time strictly after ``moment`` (an aware datetime)."""
        if self.every:
            return moment + timedelta(seconds=self.every)
        local = moment.astimezone(ZoneInfo(self.zone))
        for days in (0, 1):
            day = local.date() + timedelta(days=days)
            for at in sorted(self.at):
                due = datetime.combine(day, at, tzinfo=ZoneInfo(self.zone))
                if due > local:
                    return due.astimezone(moment.tzinfo)
        raise AssertionError("a daily job always has a next time")  # pragma: no cover

    def run(self) -> object:
        """Call the job's function."""
        return import_string(self.call)(*self.args)

    def describe(self) -> str:
        """Return the schedule in words: ``daily at 16:00, 19:00 Asia/Almaty``."""
        if self.every:
            return f"every {self.every} s"
        return f"daily at {', '.join(t.strftime('%H:%M') for t in self.at)} {self.zone}"


def _parse_time(name: str, text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ImproperlyConfigured(f"job {name}: AT {text!r} is not HH:MM") from None


def job_from_spec(name: str, spec: dict) -> Job:
    """Build a ``Job`` from one entry of the table, refusing a spec that cannot run."""
    every = spec.get("EVERY")
    at = tuple(_parse_time(name, text) for text in spec.get("AT", ()))
    if bool(every) == bool(at):
        raise ImproperlyConfigured(f"job {name}: give either AT (times of day) or EVERY (seconds)")
    if "CALL" not in spec:
        raise ImproperlyConfigured(f"job {name}: CALL (a dotted path) is missing")
    return Job(
        name=name,
        call=spec["CALL"],
        args=tuple(spec.get("ARGS", ())),
        at=at,
        zone=spec.get("TIME_ZONE", settings.TIME_ZONE),
        every=int(every) if every else None,
    )


def jobs_all() -> list[Job]:
    """Return every job of the schedule table (``DASTAN_OPS["JOBS"]`` over the defaults)."""
    return [job_from_spec(name, spec) for name, spec in sorted(jobs_table().items())]
