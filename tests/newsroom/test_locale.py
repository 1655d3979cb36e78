"""The back office's Russian catalogue: every string translated, placeholders kept."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dastan.newsroom

CATALOGUE = Path(dastan.newsroom.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"


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
    def test_every_string_is_translated_with_its_placeholders(self):
        pairs = entries(CATALOGUE.read_text(encoding="utf-8"))
        assert len(pairs) >= 15
        for msgid, msgstr in pairs:
            assert msgstr, msgid
            assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
                re.findall(r"%\(\w+\)s", msgstr)
            ), msgid

    def test_the_translate_button_is_in_the_catalogue(self):
        assert (
            dict(entries(CATALOGUE.read_text(encoding="utf-8")))["Translate into %(edition)s"]
            == "Создать перевод: %(edition)s"
        )
