"""Building the catalogues with polib, and the Russian catalogue kept complete and current."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from dastan.locale_build import catalogue_compile, catalogues_compile, check_catalogues

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.po"


def write_po(directory: Path, entries: list[polib.POEntry]) -> Path:
    path = directory / "xx" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "xx"}
    for entry in entries:
        catalogue.append(entry)
    catalogue.save(str(path))
    return path


class CatalogueCompileTests:
    def test_writes_a_catalogue_gettext_reads(self, tmp_path):
        """The .mo holds the translations, and a fuzzy entry is left out as msgfmt does."""
        po = write_po(
            tmp_path,
            [
                polib.POEntry(msgid="Markets", msgstr="Рынки"),
                polib.POEntry(msgid="Older", msgstr="Позже", flags=["fuzzy"]),
            ],
        )
        mo = catalogue_compile(po)
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        assert catalogue.gettext("Markets") == "Рынки"
        assert catalogue.gettext("Older") == "Older"

    def test_stale_only_keeps_a_newer_mo(self, tmp_path):
        po = write_po(tmp_path, [polib.POEntry(msgid="Markets", msgstr="Рынки")])
        assert catalogues_compile(tmp_path) == [po.with_suffix(".mo")]
        assert catalogues_compile(tmp_path, stale_only=True) == []
        os.utime(po, (po.stat().st_mtime + 10, po.stat().st_mtime + 10))
        assert catalogues_compile(tmp_path, stale_only=True) == [po.with_suffix(".mo")]

    def test_runs_as_a_module_without_gettext(self, tmp_path):
        """``python -m dastan.locale_build file.po`` needs no msgfmt on the PATH."""
        po = write_po(tmp_path, [polib.POEntry(msgid="Markets", msgstr="Рынки")])
        result = subprocess.run(
            [sys.executable, "-m", "dastan.locale_build", str(po)],
            env={**os.environ, "PATH": ""},
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        assert po.with_suffix(".mo").exists() and "compiled" in result.stdout


class RussianCatalogueTests:
    def test_every_entry_is_translated_and_none_is_fuzzy(self):
        catalogue = polib.pofile(str(CATALOGUE))
        assert catalogue.metadata["Language"] == "ru"
        assert len(catalogue) > 100
        assert catalogue.untranslated_entries() == []
        assert catalogue.fuzzy_entries() == []
        for entry in catalogue:
            forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            assert all(form.strip() for form in forms), entry.msgid
            if entry.msgid_plural:
                # Russian has one, few, many (and the fraction form Django's catalogues add).
                assert len(entry.msgstr_plural) == 4, entry.msgid

    def test_placeholders_survive_translation(self):
        """A translation keeps every %(name)s of its msgid, or rendering raises or loses data."""
        catalogue = polib.pofile(str(CATALOGUE))
        for entry in catalogue:
            wanted = set(polib.re.findall(r"%\(\w+\)[sd]", entry.msgid))
            forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            for form in forms:
                assert set(polib.re.findall(r"%\(\w+\)[sd]", form)) == wanted, entry.msgid

    @pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs xgettext")
    def test_catalogue_holds_every_string_of_the_sources(self, tmp_path):
        """``make messages`` would add nothing: every marked string is in the catalogue."""
        copy = tmp_path / "dastan"
        shutil.copytree(ROOT / "dastan", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        subprocess.run(
            [sys.executable, "-m", "dastan", "makemessages", "-l", "ru", "--no-obsolete"],
            cwd=copy,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "dastan.settings.test"},
            capture_output=True,
            check=True,
        )
        fresh = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
        # msgmerge offers a near match for a new string as a fuzzy entry: that counts as missing.
        missing = [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()]
        assert missing == []


class CheckCataloguesTests:
    def test_warns_until_compiled(self, tmp_path, settings):
        """An uncompiled catalogue is a warning at start-up, not a silently English edition."""
        po = write_po(tmp_path, [polib.POEntry(msgid="Markets", msgstr="Рынки")])
        settings.LOCALE_PATHS = [tmp_path]
        warnings = check_catalogues()
        assert [w.id for w in warnings] == ["web.W001"] and str(po) in warnings[0].msg
        catalogue_compile(po)
        assert check_catalogues() == []

    def test_the_shipped_catalogues_are_compiled_for_the_tests(self):
        assert check_catalogues() == []
