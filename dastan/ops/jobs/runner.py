"""Run due jobs: claim the row, run, record, retry with backoff, never drop a failure.

The clock is passed in, so the tests move time by hand instead of waiting.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from dastan.ops.conf import ops_setting
from dastan.ops.jobs.schedule import Job, jobs_all
from dastan.ops.metrics import JOB_RUNS, JOB_SECONDS
from dastan.ops.models import JobState

logger = logging.getLogger("dastan.ops.jobs")

Clock = Callable[[], datetime]


@dataclass
class Outcome:
    """What one run of a job came to: ``ok``, ``retry`` (tried again later) or ``failed``."""

    job: str
    outcome: str
    detail: str
    next_at: datetime


def worker_id() -> str:
    """Name this worker in the lock column: host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class Runner:
    """Run the jobs of the schedule table that are due, one claim at a time."""

    def __init__(
        self, jobs: list[Job] | None = None, *, clock: Clock = timezone.now, name: str = ""
    ) -> None:
        self.jobs = {job.name: job for job in (jobs_all() if jobs is None else jobs)}
        self.clock = clock
        self.name = name or worker_id()

    def states_ensure(self) -> None:
        """Create a row for each new job, due at its next scheduled time."""
        now = self.clock()
        known = set(JobState.objects.filter(name__in=self.jobs).values_list("name", flat=True))
        for name, job in self.jobs.items():
            if name not in known:
                JobState.objects.get_or_create(name=name, defaults={"due_at": job.next_after(now)})

    def run_due(self) -> list[Outcome]:
        """Run every job that is due and that no other worker holds."""
        self.states_ensure()
        now = self.clock()
        due = JobState.objects.filter(name__in=self.jobs, due_at__lte=now).order_by("due_at")
        outcomes = []
        for name in due.values_list("name", flat=True):
            if self.claim(name):
                outcomes.append(self.run(self.jobs[name]))
        return outcomes

    def claim(self, name: str) -> bool:
        """Take the job's lock in one conditional update; False when another worker has it."""
        now = self.clock()
        free = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
        lock = now + timedelta(seconds=ops_setting("JOB_LOCK_SECONDS"))
        claimed = JobState.objects.filter(free, name=name, due_at__lte=now).update(
            locked_by=self.name, locked_until=lock, last_started_at=now
        )
        return claimed == 1

    def run(self, job: Job) -> Outcome:
        """Run a claimed job, record how it went and when it runs next, and release it."""
        logger.info("Job %s started", job.name)
        started = time.perf_counter()
        try:
            detail = str(job.run() or "")
            error = None
        except Exception as exc:
            detail = f"{type(exc).__name__}: {exc}"
            error = exc
        JOB_SECONDS.labels(job.name).observe(time.perf_counter() - started)
        state = JobState.objects.get(name=job.name)
        now = self.clock()
        if error is None:
            outcome = self.succeeded(job, state, now, detail)
        else:
            outcome = self.failed(job, state, now, detail, error)
        state.locked_by = ""
        state.locked_until = None
        state.last_finished_at = now
        state.save()
        JOB_RUNS.labels(job.name, outcome.outcome).inc()
        return outcome

    def succeeded(self, job: Job, state: JobState, now: datetime, detail: str) -> Outcome:
        state.attempts = 0
        state.last_ok_at = now
        state.last_error = ""
        state.due_at = job.next_after(now)
        logger.info("Job %s done: %s; next run %s", job.name, detail, state.due_at.isoformat())
        return Outcome(job.name, "ok", detail, state.due_at)

    def failed(
        self, job: Job, state: JobState, now: datetime, detail: str, error: Exception
    ) -> Outcome:
        """Schedule a retry with backoff; past the last retry, log an error and wait for the
        next scheduled run (the failure stays in ``last_error`` and in /healthz)."""
        state.attempts += 1
        state.last_error = detail
        retries = ops_setting("JOB_RETRIES")
        if state.attempts <= retries:
            wait = ops_setting("JOB_BACKOFF") * 2 ** (state.attempts - 1)
            state.due_at = now + timedelta(seconds=wait)
            logger.warning(
                "Job %s failed (attempt %d of %d): %s; retry at %s",
                job.name,
                state.attempts,
                retries + 1,
                detail,
                state.due_at.isoformat(),
                exc_info=error,
            )
            return Outcome(job.name, "retry", detail, state.due_at)
        state.attempts = 0
        state.due_at = job.next_after(now)
        logger.error(
            "Job %s failed %d times, giving up until its next run at %s: %s",
            job.name,
            retries + 1,
            state.due_at.isoformat(),
            detail,
            exc_info=error,
        )
        return Outcome(job.name, "failed", detail, state.due_at)

    def seconds_to_next(self) -> float:
        """Return how long to sleep before the next job is due (bounded by the poll time)."""
        poll = float(ops_setting("WORKER_POLL_SECONDS"))
        first = JobState.objects.filter(name__in=self.jobs).order_by("due_at").first()
        if first is None:
            return poll
        return max(0.0, min(poll, (first.due_at - self.clock()).total_seconds()))

    def loop(self, stop: threading.Event) -> None:
        """Run due jobs until ``stop`` is set; a database outage is logged and waited out."""
        logger.info("Worker %s: %d jobs", self.name, len(self.jobs))
        while not stop.is_set():
            close_old_connections()
            try:
                self.run_due()
                wait = self.seconds_to_next()
            except Exception:
                logger.exception("Worker %s: could not read the job table", self.name)
                wait = float(ops_setting("WORKER_POLL_SECONDS"))
            stop.wait(max(wait, 1.0))
