"""The editions: Django's ``LANGUAGES`` plus per-edition facts from ``DASTAN_EDITIONS``.

An edition is a language the site publishes in. ``LANGUAGE_CODE`` is the
default edition, served at ``/``; every other one lives under ``/<code>/``.
Adding one (Kazakh) is a line in ``LANGUAGES``, an entry here and a
translation file: nothing in the code names an edition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Edition:
    """One edition: its code (a Django language code), its name in its own language, hreflang."""

    code: str
    name: str
    hreflang: str
    is_default: bool


def editions_all() -> list[Edition]:
    """Return every edition, in the order of ``LANGUAGES`` (read at call time)."""
    facts = getattr(settings, "DASTAN_EDITIONS", {})
    found = []
    for code, name in settings.LANGUAGES:
        own = facts.get(code, {})
        found.append(
            Edition(
                code=code,
                name=str(own.get("NAME", name)),
                hreflang=str(own.get("HREFLANG", code)),
                is_default=code == settings.LANGUAGE_CODE,
            )
        )
    return found


def edition_codes() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def edition_default() -> str:
    return settings.LANGUAGE_CODE


def edition_code(value: object) -> str:
    """Return ``value`` if it names an edition, else the default edition.

    A stored language that is no longer (or never was) an edition still gets
    an address: the default edition's, rather than a prefix nothing serves.
    """
    return value if isinstance(value, str) and value in edition_codes() else edition_default()
