"""Build the interface catalogues (``.mo``) from the ``.po`` files, with polib.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine
may lack; polib is pure Python and writes the same binary format. ``make`` runs
this before the demo and the tests; ``python -m dastan.locale_build`` runs it by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib
from django.core import checks

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogue_compile(po_path: Path) -> Path:
    """Write ``po_path``'s ``.mo`` beside it, leaving out fuzzy entries as msgfmt does."""
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue.fuzzy_entries():
        catalogue.remove(entry)
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path


def catalogues_compile(locale_dir: Path = LOCALE_DIR, *, stale_only: bool = False) -> list[Path]:
    """Compile every ``<code>/LC_MESSAGES/*.po`` under ``locale_dir``; return the ``.mo`` written.

    With ``stale_only``, a ``.mo`` newer than its ``.po`` is kept as it is.
    """
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if stale_only and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        written.append(catalogue_compile(po_path))
    return written


def stale_catalogues(locale_dirs: list[Path]) -> list[Path]:
    """Return the ``.po`` files under ``locale_dirs`` whose ``.mo`` is missing or older."""
    stale = []
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                stale.append(po_path)
    return stale


def check_catalogues(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when a catalogue is not compiled: that edition would show English silently."""
    from django.conf import settings

    return [
        checks.Warning(
            f"The interface catalogue {po_path} has no up-to-date .mo file.",
            hint="Run `make`, or `python -m dastan.locale_build` in a deployment.",
            id="web.W001",
        )
        for po_path in stale_catalogues([Path(p) for p in settings.LOCALE_PATHS])
    ]


def main(argv: list[str] | None = None) -> None:
    """Compile the ``.po`` files named, or every catalogue of Dastan when none is."""
    args = sys.argv[1:] if argv is None else argv
    written = [catalogue_compile(Path(a)) for a in args] if args else catalogues_compile()
    for path in written:
        print(f"compiled {path}")


if __name__ == "__main__":
    main()
