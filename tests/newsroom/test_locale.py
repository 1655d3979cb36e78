"""The back office's strings are in the site's Russian catalogue (tests/test_locale_build.py
checks that every entry is translated and keeps its placeholders)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dastan

CATALOGUE = Path(dastan.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[tuple[str, str]]:
    """Return ``(msgid, msgstr)`` pairs of a .po file, the header left out."""
    pairs = []
    for block in text.split("\n\n"):
        parts = re.findall(r'^(msgid|msgstr) ((?:".*"\n?)+)', block + "\n", flags=re.MULTILINE)
        found = {
            key: "".join(ast.literal_eval(s) for s in re.findall(r'".*"', value))
            for key, value in parts
        }
        if found.get("msgid"):
            pairs.append((found["msgid"], found.get("msgstr", "")))
    return pairs


class CatalogueTests:
    def test_the_translate_button_is_in_the_catalogue(self):
        assert (
            dict(entries(CATALOGUE.read_text(encoding="utf-8")))["Translate into %(edition)s"]
            == "Создать перевод: %(edition)s"
        )
