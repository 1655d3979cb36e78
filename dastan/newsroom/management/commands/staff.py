"""``dastan staff unlock`` and ``dastan staff reset-2fa``: help a locked-out colleague back in."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dastan.newsroom.twofactor import twofactor_reset


class Command(BaseCommand):
    help = "Help a staff member back in: lift a sign-in lockout, or remove a lost authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{unlock,reset-2fa}")
        unlock = verbs.add_parser("unlock", help="Forget the failed sign-ins of a username.")
        unlock.add_argument("username")
        reset = verbs.add_parser(
            "reset-2fa", help="Remove a user's authenticator app; they set up a new one."
        )
        reset.add_argument("username")

    def handle(self, *args, verb: str, username: str, **options) -> None:
        if verb == "unlock":
            cleared = axes_reset(username=username)
            self.stdout.write(f"Unlocked {username}: {cleared} lockout record(s) removed.")
            return
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        removed = twofactor_reset(user)
        self.stdout.write(
            f"Removed {removed} authenticator device(s) of {username}; at the next sign-in "
            "they use their password alone and, if their role needs it, set up a new app."
        )
