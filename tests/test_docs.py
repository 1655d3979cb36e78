"""Every setting and environment variable is documented (as Datasette's test_docs does)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ENV_CALL = re.compile(r'env_(?:str|bool|int|list|prefixed)\("([A-Z_]+)"')


def env_variables() -> set[str]:
    names = set()
    for path in (ROOT / "dastan").rglob("*.py"):
        names.update(ENV_CALL.findall(path.read_text(encoding="utf-8")))
    return names


class SettingsDocsTests:
    def test_environment_variables_are_found(self):
        assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"} <= env_variables()

    @pytest.mark.parametrize("name", sorted(env_variables()))
    def test_environment_variable_documented(self, name):
        text = (DOCS / "settings.md").read_text(encoding="utf-8")
        assert f"DASTAN_{name}" in text

    @pytest.mark.parametrize(
        "module, attribute, doc",
        [
            ("dastan.content.conf", "DEFAULTS", "settings.md"),
            ("dastan.media.conf", "DEFAULTS", "settings.md"),
            ("dastan.newsroom.conf", "DEFAULTS", "settings.md"),
            ("dastan.rates.conf", "DEFAULTS", "rates.md"),
            ("dastan.search.conf", "DEFAULTS", "search.md"),
            ("dastan.redirects.conf", "DEFAULTS", "migration.md"),
            ("dastan.web.conf", "DEFAULTS", "settings.md"),
            ("dastan.ops.conf", "DEFAULTS", "settings.md"),
            ("dastan.feeds.conf", "DEFAULTS", "settings.md"),
            ("dastan.feeds.sitemap_conf", "DEFAULTS", "settings.md"),
        ],
    )
    def test_every_app_setting_documented(self, module, attribute, doc):
        defaults = getattr(importlib.import_module(module), attribute)
        text = (DOCS / doc).read_text(encoding="utf-8")
        missing = [key for key in defaults if f"`{key}`" not in text]
        assert not missing, f"{doc} does not document {missing}"
