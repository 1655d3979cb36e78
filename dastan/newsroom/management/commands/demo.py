"""``dastan demo``: create the SQLite demo site in ./var/ and serve it."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from dastan.newsroom.demo import demo_build
from dastan.newsroom.management.commands.serve import address_split, port_check
from dastan.settings import env


class Command(BaseCommand):
    help = "Create the demo site (SQLite in ./var/, demo content, staff logins) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Build the demo and stop.")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address to serve on.")

    def handle(self, *args, **options) -> None:
        addr = options["addr"]
        address_split(addr)
        if not options["no_serve"]:
            # Before the build: a taken port is said at once, not after a minute's work.
            port_check(addr)
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_build()
        self.stdout.write(self.style.SUCCESS("Demo site ready."))
        if options["no_serve"]:
            self.stdout.write(f"Serve it with: dastan serve --addr {addr}")
            self.stdout.write(f"Back office, once served: http://{addr}/admin/")
        else:
            self.stdout.write(f"Back office: http://{addr}/admin/")
        for username, password in logins.items():
            self.stdout.write(f"  login: {username} / password: {password}")
        if not options["no_serve"]:
            # Absolute links (canonical, feeds) name the address the demo is served on.
            env.env_setdefault("BASE_URL", f"http://{addr}")
            call_command("serve", addr=addr)
