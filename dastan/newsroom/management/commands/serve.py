"""``dastan serve``: serve the site with gunicorn (static files and uploads from the app)."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the site: gunicorn with the current settings (--dev: Django's server, DEBUG on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to bind.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's development server with DEBUG on: never on an address others reach.",
        )

    def handle(self, *args, **options) -> None:
        if options["dev"]:
            argv, environ = self.development_server(options["addr"])
        else:
            argv, environ = self.gunicorn(options["addr"], options["workers"])
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, environ)

    def development_server(self, addr: str) -> tuple[list[str], dict[str, str]]:
        """Return the command for runserver in a fresh process whose settings read DEBUG on."""
        self.stdout.write(f"Development server with DEBUG on: http://{addr}/ (Ctrl-C to stop)")
        argv = [sys.executable, "-m", "dastan", "runserver", addr, "--noreload"]
        return argv, {**os.environ, "DASTAN_DEBUG": "1"}

    def gunicorn(self, addr: str, workers: int) -> tuple[list[str], dict[str, str]]:
        """Return the command for gunicorn serving ``dastan.web.wsgi_static``."""
        if settings.DEBUG:
            self.stderr.write(
                "DEBUG is on (DASTAN_DEBUG): an error page shows the settings to anyone. "
                "Unset it before others can reach this address."
            )
        self.stdout.write(f"Serving on http://{addr}/ (Ctrl-C to stop)")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "dastan.web.wsgi_static:application",
            "--bind",
            addr,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        return argv, dict(os.environ)
