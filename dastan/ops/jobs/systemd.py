"""The schedule table as systemd units, for a site that runs its jobs from timers."""

from __future__ import annotations

import shlex
import sys

from dastan.ops.jobs.schedule import Job


def unit_name(job: Job) -> str:
    """Return ``dastan-job-rates-nbk``: a unit name made of the job's name."""
    return "dastan-job-" + "".join(c if c.isalnum() else "-" for c in job.name)


def systemd_units(jobs: list[Job], *, workdir: str, dastan: str | None = None) -> str:
    """Return a service and a timer per job, each running ``dastan worker --job NAME``."""
    dastan = dastan or f"{sys.executable} -m dastan"
    blocks = []
    for job in jobs:
        unit = unit_name(job)
        if job.every:
            when = f"OnUnitActiveSec={job.every}s\nOnBootSec={job.every}s"
        else:
            times = ",".join(t.strftime("%H:%M") for t in sorted(job.at))
            when = f"OnCalendar=*-*-* {times}:00 {job.zone}"
        blocks.append(
            f"# /etc/systemd/system/{unit}.service\n"
            f"[Unit]\nDescription=Dastan job {job.name}\n\n"
            f"[Service]\nType=oneshot\nUser=dastan\nWorkingDirectory={workdir}\n"
            f"EnvironmentFile=/etc/dastan/env\n"
            f"ExecStart={dastan} worker --job {shlex.quote(job.name)}\n\n"
            f"# /etc/systemd/system/{unit}.timer\n"
            f"[Unit]\nDescription=Dastan job {job.name}: {job.describe()}\n\n"
            f"[Timer]\n{when}\nPersistent=true\n\n"
            f"[Install]\nWantedBy=timers.target\n"
        )
    return "\n".join(blocks)
