"""``dastan worker``: run the recurring jobs (rates after each bank publishes, search check)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dastan.ops.jobs.runner import Runner
from dastan.ops.jobs.schedule import jobs_all
from dastan.ops.jobs.systemd import systemd_units


def parent_watch(parent: int, stop: threading.Event) -> None:
    """Set ``stop`` once ``parent`` is no longer this process's parent (it died)."""
    while not stop.wait(2.0):
        if os.getppid() != parent:
            stop.set()


class Command(BaseCommand):
    help = "Run the scheduled jobs until stopped (one worker per site is enough; more are safe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="Print the schedule and stop.")
        parser.add_argument(
            "--job", metavar="NAME", help="Run this one job now (as a systemd timer does) and stop."
        )
        parser.add_argument(
            "--with-parent",
            type=int,
            metavar="PID",
            help="Stop when process PID (the server that started this worker) is gone.",
        )
        parser.add_argument(
            "--systemd-timers",
            action="store_true",
            help="Print a systemd service and timer per job, instead of running a worker.",
        )

    def handle(self, *args, **options) -> None:
        jobs = jobs_all()
        if options["systemd_timers"]:
            self.stdout.write(systemd_units(jobs, workdir=str(Path.cwd())))
        elif options["list"]:
            self.schedule_print(jobs)
        elif options["job"]:
            self.job_run(options["job"], jobs)
        else:
            self.worker_run(options["with_parent"])

    def schedule_print(self, jobs) -> None:
        now = timezone.now()
        for job in jobs:
            self.stdout.write(
                f"{job.name}: {job.describe()}; next {job.next_after(now):%Y-%m-%d %H:%M %Z}"
            )

    def job_run(self, name: str, jobs) -> None:
        """Run one job at once, outside the schedule; exit 1 when it fails."""
        found = [job for job in jobs if job.name == name]
        if not found:
            raise CommandError(f"no job {name!r}; dastan worker --list names them")
        try:
            detail = found[0].run()
        except Exception as exc:
            raise CommandError(f"job {name} failed: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(f"job {name} done: {detail}")

    def worker_run(self, parent: int | None) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        if parent:
            threading.Thread(target=parent_watch, args=(parent, stop), daemon=True).start()
        runner = Runner()
        self.stdout.write(f"Worker {runner.name}: {len(runner.jobs)} jobs (Ctrl-C to stop)")
        self.stdout.flush()
        runner.loop(stop)
