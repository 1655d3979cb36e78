"""The job runner against a fake clock: due times, retries with backoff, the lock."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, time, timedelta

import pytest

from dastan.ops.jobs.runner import Runner
from dastan.ops.jobs.schedule import Job
from dastan.ops.models import JobState

CALLS: list[str] = []
FAILURES: dict[str, int] = {}


def record(name: str) -> str:
    """A job that notes each call, failing while FAILURES[name] is above zero."""
    CALLS.append(name)
    if FAILURES.get(name, 0) > 0:
        FAILURES[name] -= 1
        raise RuntimeError(f"{name} could not reach its source")
    return f"{name} ok"


def nested(name: str) -> str:
    """A job that, while it runs, lets a second worker look at the same table."""
    CALLS.append(name)
    OTHER.append(Runner([JOBS["nested"]], clock=CLOCK, name="other").run_due())
    return "done"


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 14:00 in Almaty
CLOCK = FakeClock(START)
OTHER: list = []
JOBS = {
    "nested": Job("nested", "tests.ops.test_runner.nested", ("nested",), every=600),
}


def daily_job() -> Job:
    """Due at 16:00 in Almaty, 11:00 UTC."""
    return Job("daily", "tests.ops.test_runner.record", ("daily",), (time(16, 0),), "Asia/Almaty")


@pytest.fixture(autouse=True)
def _reset(settings):
    CALLS.clear()
    FAILURES.clear()
    OTHER.clear()
    CLOCK.now = START
    settings.DASTAN_OPS = {"JOB_RETRIES": 2, "JOB_BACKOFF": 60, "JOB_LOCK_SECONDS": 600}


pytestmark = pytest.mark.django_db


class ScheduleTests:
    def test_daily_job_is_due_at_its_local_time(self):
        job = daily_job()
        assert job.next_after(START) == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
        assert job.next_after(datetime(2026, 3, 2, 11, 0, tzinfo=UTC)) == datetime(
            2026, 3, 3, 11, 0, tzinfo=UTC
        )

    def test_interval_job_is_due_after_its_interval(self):
        assert JOBS["nested"].next_after(START) == START + timedelta(seconds=600)


class RunnerTests:
    def test_a_job_runs_when_due_and_only_once(self):
        runner = Runner([daily_job()], clock=CLOCK, name="a")
        assert runner.run_due() == []
        CLOCK.advance(hours=1, minutes=59)
        assert runner.run_due() == []
        CLOCK.advance(minutes=1)
        [outcome] = runner.run_due()
        assert (outcome.outcome, outcome.detail) == ("ok", "daily ok")
        assert runner.run_due() == []
        assert CALLS == ["daily"]
        state = JobState.objects.get(name="daily")
        assert state.due_at == datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
        assert state.last_ok_at == CLOCK.now and state.locked_until is None

    def test_a_failed_job_is_retried_with_backoff_then_given_up_loudly(self, caplog):
        FAILURES["daily"] = 5
        runner = Runner([daily_job()], clock=CLOCK, name="a")
        runner.states_ensure()
        CLOCK.advance(hours=2)
        with caplog.at_level(logging.INFO, logger="dastan.ops.jobs"):
            [first] = runner.run_due()
            assert first.outcome == "retry" and first.next_at == CLOCK.now + timedelta(seconds=60)
            CLOCK.advance(seconds=59)
            assert runner.run_due() == []
            CLOCK.advance(seconds=1)
            [second] = runner.run_due()
            assert second.outcome == "retry"
            assert second.next_at == CLOCK.now + timedelta(seconds=120)
            CLOCK.advance(seconds=120)
            [third] = runner.run_due()
        assert third.outcome == "failed"
        assert third.next_at == datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
        assert CALLS == ["daily"] * 3
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and "failed 3 times" in errors[0].getMessage()
        state = JobState.objects.get(name="daily")
        assert "could not reach its source" in state.last_error and state.attempts == 0

    def test_a_retry_that_succeeds_clears_the_error(self):
        FAILURES["daily"] = 1
        runner = Runner([daily_job()], clock=CLOCK, name="a")
        runner.states_ensure()
        CLOCK.advance(hours=2)
        assert [o.outcome for o in runner.run_due()] == ["retry"]
        CLOCK.advance(minutes=1)
        assert [o.outcome for o in runner.run_due()] == ["ok"]
        state = JobState.objects.get(name="daily")
        assert state.last_error == "" and state.attempts == 0

    def test_a_retry_outlives_a_worker_restart(self):
        FAILURES["daily"] = 1
        Runner([daily_job()], clock=CLOCK, name="a").states_ensure()
        CLOCK.advance(hours=2)
        Runner([daily_job()], clock=CLOCK, name="a").run_due()
        CLOCK.advance(minutes=1)
        assert [o.outcome for o in Runner([daily_job()], clock=CLOCK, name="b").run_due()] == ["ok"]

    def test_two_workers_never_run_the_same_job_at_once(self):
        runner = Runner([JOBS["nested"]], clock=CLOCK, name="a")
        runner.states_ensure()
        CLOCK.advance(minutes=10)
        [outcome] = runner.run_due()
        assert outcome.outcome == "ok"
        assert OTHER == [[]]
        assert CALLS == ["nested"]

    def test_a_lock_left_by_a_dead_worker_expires(self):
        runner = Runner([daily_job()], clock=CLOCK, name="a")
        runner.states_ensure()
        CLOCK.advance(hours=2)
        assert runner.claim("daily")  # the worker dies here, holding the lock
        other = Runner([daily_job()], clock=CLOCK, name="b")
        assert other.run_due() == []
        CLOCK.advance(seconds=600)
        assert [o.outcome for o in other.run_due()] == ["ok"]

    def test_sleep_until_the_next_job_is_bounded_by_the_poll_time(self, settings):
        settings.DASTAN_OPS = {**settings.DASTAN_OPS, "WORKER_POLL_SECONDS": 30}
        runner = Runner([JOBS["nested"]], clock=CLOCK, name="a")
        runner.states_ensure()
        assert runner.seconds_to_next() == 30
        CLOCK.advance(seconds=590)
        assert runner.seconds_to_next() == 10


def slow(name: str) -> str:
    """A job that waits until the other worker has tried to claim it too."""
    CALLS.append(name)
    TRIED.wait(timeout=30)
    return "done"


TRIED = threading.Event()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class ConcurrentClaimTests:
    def test_two_workers_on_their_own_connections_run_a_due_job_once(self):
        from django.db import connection

        job = Job("slow", "tests.ops.test_runner.slow", ("slow",), every=600)
        Runner([job], clock=CLOCK, name="a").states_ensure()
        CLOCK.advance(minutes=10)
        TRIED.clear()
        results = {}

        def work(name: str) -> None:
            try:
                results[name] = Runner([job], clock=CLOCK, name=name).run_due()
            finally:
                if name == "b":
                    TRIED.set()
                connection.close()

        first = threading.Thread(target=work, args=("a",))
        first.start()
        for _ in range(600):  # until worker a holds the job and is running it
            if CALLS:
                break
            threading.Event().wait(0.05)
        second = threading.Thread(target=work, args=("b",))
        second.start()
        first.join(timeout=60)
        second.join(timeout=60)
        assert CALLS == ["slow"]
        assert [o.outcome for o in results["a"]] == ["ok"] and results["b"] == []
