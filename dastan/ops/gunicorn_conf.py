"""Gunicorn hooks for ``dastan serve``: the job worker beside the server, metric files.

The job worker is a child process of gunicorn's master rather than a thread: the master
forks the app workers, and a thread there would be copied mid-work into each of them.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from dastan.ops.logs import logging_config
from dastan.settings import env

logger = logging.getLogger("dastan.ops.jobs")
_jobs: list[subprocess.Popen] = []

# One line per request comes from dastan.ops.middleware (with its request id), so
# gunicorn's own access log stays off.
accesslog = None

if env.env_str("LOG_FORMAT", "plain") == "json":
    # Gunicorn's own lines (start, worker boot, timeouts) in the same JSON as the site's.
    logconfig_dict = logging_config(json_format=True, level=env.env_str("LOG_LEVEL", "INFO"))
    # Gunicorn's defaults give the root logger a handler too, which would print every
    # "dastan" line a second time; without logconfig_dict it adds none either.
    logconfig_dict["root"] = {"level": "WARNING", "handlers": []}
    logconfig_dict["loggers"]["gunicorn.error"] = {
        "handlers": ["console"],
        "level": "INFO",
        "propagate": False,
    }


def when_ready(server) -> None:
    """Start ``dastan worker`` once the server listens, when ``dastan serve`` asked for it.

    ``--with-parent`` makes the worker stop should the master die without ``on_exit``.
    """
    if env.env_bool("SERVE_WORKER", False):
        argv = [sys.executable, "-m", "dastan", "worker", "--with-parent", str(os.getpid())]
        _jobs.append(subprocess.Popen(argv))
        server.log.info("Started dastan worker (pid %s)", _jobs[0].pid)


def on_exit(server) -> None:
    """Stop the job worker with the server; it finishes the job it is running first."""
    for process in _jobs:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def child_exit(server, worker) -> None:
    """Forget a dead app worker's live gauges (prometheus_client's multiprocess rule)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
