"""``dastan demo``: create the SQLite demo site in ./var/ and serve it."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from dastan.newsroom.demo import demo_build


class Command(BaseCommand):
    help = "Create the demo site (SQLite in ./var/, demo content, staff logins) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Build the demo and stop.")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address to serve on.")

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_build()
        self.stdout.write(self.style.SUCCESS("Demo site ready."))
        self.stdout.write(f"Back office: http://{options['addr']}/admin/")
        for username, password in logins.items():
            self.stdout.write(f"  login: {username} / password: {password}")
        if not options["no_serve"]:
            call_command("serve", addr=options["addr"])
