"""``dastan serve``: serve the site with gunicorn (static files and uploads from the app).

The listening socket is bound here and handed to gunicorn (``--bind fd://N``): a taken
port is then one clear message and exit status 1, not gunicorn's five retries. Gunicorn's
master also starts ``dastan worker`` (``dastan/ops/gunicorn_conf.py``), so the embedded
setup runs its jobs without cron.

``--server`` picks gunicorn's worker type: ``gthread`` (the default: threads in each
process, so a reader never queues behind another's slow request; the figures are in
docs/benchmarks.md, "App servers") or ``sync`` (one request per process at a time).
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# ``--server``: gunicorn's worker class for each choice.
WORKER_CLASSES = {"gthread": "gthread", "sync": "sync"}


def address_split(addr: str) -> tuple[str, int]:
    """Return host and port of ``127.0.0.1:8000`` or ``[::1]:8000``."""
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise CommandError(f"not an address (host:port, e.g. 127.0.0.1:8000): {addr!r}")
    return host.strip("[]"), int(port)


def socket_bind(addr: str) -> socket.socket:
    """Bind and listen on ``addr``, or explain in one message why that cannot be done."""
    host, port = address_split(addr)
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as exc:
        raise CommandError(f"cannot use {addr}: {exc.strerror}") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        other = f"{host}:{port + 1}" if ":" not in host else f"[{host}]:{port + 1}"
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(
                f"{addr} is already in use (another Dastan or web server listens there). "
                f"Pick another address: make demo ADDR={other}, or dastan serve --addr {other}"
            ) from None
        raise CommandError(f"cannot listen on {addr}: {exc.strerror}") from None
    return sock


def port_check(addr: str) -> None:
    """Fail now, before any slow work, when ``addr`` cannot be listened on."""
    socket_bind(addr).close()


class Command(BaseCommand):
    help = "Serve the site: gunicorn with the current settings (--dev: Django's server, DEBUG on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to bind.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
        parser.add_argument(
            "--server",
            choices=sorted(WORKER_CLASSES),
            default="gthread",
            help="gunicorn's worker type: gthread (threads in each process) or sync.",
        )
        parser.add_argument(
            "--threads", type=int, default=8, help="Threads in each process (gthread)."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start dastan worker (the jobs) beside gunicorn: one runs elsewhere.",
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's development server with DEBUG on: never on an address others reach.",
        )

    def handle(self, *args, **options) -> None:
        if options["dev"]:
            argv, environ = self.development_server(options["addr"])
        else:
            argv, environ = self.gunicorn(
                options["addr"],
                options["workers"],
                jobs=not options["no_worker"],
                server=options["server"],
                threads=options["threads"],
            )
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, environ)

    def development_server(self, addr: str) -> tuple[list[str], dict[str, str]]:
        """Return the command for runserver in a fresh process whose settings read DEBUG on."""
        port_check(addr)
        self.stdout.write(f"Development server with DEBUG on: http://{addr}/ (Ctrl-C to stop)")
        argv = [sys.executable, "-m", "dastan", "runserver", addr, "--noreload"]
        return argv, {**os.environ, "DASTAN_DEBUG": "1"}

    def gunicorn(
        self, addr: str, workers: int, *, jobs: bool, server: str = "gthread", threads: int = 8
    ) -> tuple[list[str], dict[str, str]]:
        """Return the command for gunicorn serving ``dastan.web.wsgi_static`` on a bound socket."""
        if settings.DEBUG:
            self.stderr.write(
                "DEBUG is on (DASTAN_DEBUG): an error page shows the settings to anyone. "
                "Unset it before others can reach this address."
            )
        # Kept on the command: a socket object that is collected closes its descriptor.
        self.listener = sock = socket_bind(addr)
        os.set_inheritable(sock.fileno(), True)
        environ = {**os.environ, "DASTAN_SERVE_WORKER": "1" if jobs else "0"}
        environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(self.metrics_directory()))
        self.stdout.write(f"Serving on http://{addr}/ (Ctrl-C to stop)")
        if jobs:
            self.stdout.write("Jobs: dastan worker runs beside the server (dastan worker --list)")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "dastan.web.wsgi_static:application",
            "--config",
            "python:dastan.ops.gunicorn_conf",
            "--bind",
            f"fd://{sock.fileno()}",
            "--workers",
            str(workers),
            "--worker-class",
            WORKER_CLASSES[server],
        ]
        if server == "gthread":
            argv += ["--threads", str(threads)]
        return argv, environ

    def metrics_directory(self) -> Path:
        """Return an empty directory for the workers' metric files (prometheus multiprocess)."""
        path = Path(settings.VAR_DIR) / "prometheus"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path
