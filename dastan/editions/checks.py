"""System check: the edition settings agree with each other."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


def check_editions(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Report a default edition missing from LANGUAGES and facts for an unknown edition."""
    codes = [code for code, _ in settings.LANGUAGES]
    errors = []
    if settings.LANGUAGE_CODE not in codes:
        errors.append(
            checks.Error(
                f"LANGUAGE_CODE {settings.LANGUAGE_CODE!r} is not in LANGUAGES.",
                hint="The default edition must be one of the editions.",
                id="editions.E001",
            )
        )
    for code in getattr(settings, "DASTAN_EDITIONS", {}):
        if code not in codes:
            errors.append(
                checks.Error(
                    f"DASTAN_EDITIONS names {code!r}, which is not in LANGUAGES.",
                    hint="Add the edition to LANGUAGES or remove its entry.",
                    id="editions.E002",
                )
            )
    return errors


def register() -> None:
    checks.register(check_editions)
