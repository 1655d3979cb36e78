"""The edition list comes from settings alone."""

from __future__ import annotations

from django.test import override_settings

from dastan.editions.checks import check_editions
from dastan.editions.conf import edition_code, editions_all


class EditionsConfTests:
    def test_editions_follow_languages_with_their_own_names(self):
        found = editions_all()
        assert [e.code for e in found] == ["en", "ru"]
        assert found[1].name == "Русский" and found[1].hreflang == "ru"
        assert found[0].is_default and not found[1].is_default

    @override_settings(LANGUAGES=[("en", "English"), ("kk", "Kazakh")], DASTAN_EDITIONS={})
    def test_an_edition_without_facts_uses_its_language_name(self):
        assert [(e.code, e.name, e.hreflang) for e in editions_all()][1] == ("kk", "Kazakh", "kk")

    def test_unknown_codes_fall_back_to_the_default(self):
        assert edition_code("ru") == "ru"
        assert edition_code("kk") == "en"
        assert edition_code(None) == "en"


class EditionsCheckTests:
    def test_settings_agree(self):
        assert check_editions() == []

    @override_settings(LANGUAGE_CODE="de", DASTAN_EDITIONS={"kk": {"NAME": "Қазақша"}})
    def test_default_and_facts_must_be_editions(self):
        assert {e.id for e in check_editions()} == {"editions.E001", "editions.E002"}
