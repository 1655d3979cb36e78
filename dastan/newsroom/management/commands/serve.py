"""``dastan serve``: serve the site with gunicorn (static files from the app)."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the site: gunicorn with the current settings (use --dev for Django's server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to bind.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
        parser.add_argument("--dev", action="store_true", help="Use Django's development server.")

    def handle(self, *args, **options) -> None:
        if options["dev"]:
            from django.core.management import call_command

            call_command("runserver", options["addr"], use_reloader=False)
            return
        self.stdout.write(f"Serving on http://{options['addr']}/ (Ctrl-C to stop)")
        sys.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "dastan.web.wsgi_static:application",
            "--bind",
            options["addr"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, argv)
