"""Languages and translations read from Polylang's and WPML's exports (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from dastan.importers.wordpress.languages import Editions, edition_code
from dastan.importers.wordpress.mapping import index_export, post_plan
from dastan.importers.wordpress.paths import legacy_paths, section_paths, tag_paths
from dastan.importers.wordpress.wxr import Item, ItemTerm, Term, read_wxr

DATA = Path(__file__).parents[1] / "data" / "wxr"
POLYLANG = DATA / "multilingual" / "polylang.xml"
WPML = DATA / "multilingual" / "wpml.xml"


def items(path: Path) -> dict[int, Item]:
    return {r.wp_id: r for r in read_wxr(path) if isinstance(r, Item)}


class EditionCodeTests:
    @pytest.mark.parametrize(
        ("value", "code"),
        [("ru", "ru"), ("ru_RU", "ru"), ("ru-RU", "ru"), ("EN-us", "en"), ("pll_ru", "ru")],
    )
    def test_slugs_and_locales(self, value, code):
        """Plugin slugs, locales and channel languages name the same edition."""
        assert edition_code(value) == code

    @pytest.mark.parametrize("value", ["de", "de_DE", "", "russian"])
    def test_other_languages_are_no_edition(self, value):
        assert edition_code(value) is None


class PolylangIndexTests:
    def test_posts_get_their_language_term(self):
        """Each post's language comes from its ``language`` term, not the channel's en-US."""
        index = index_export(POLYLANG)
        posts = items(POLYLANG)
        languages = {wp_id: post_plan(item, index).record.language for wp_id, item in posts.items()}
        assert languages == {101: "en", 102: "ru", 103: "ru", 104: "en"}
        assert index.editions.plugin == "polylang"
        assert index.editions.prefixes == {"en": "en", "ru": "ru"}

    def test_translation_group_from_the_serialized_description(self):
        """The ``post_translations`` term joins 101 and 102; lone posts are in no group."""
        index = index_export(POLYLANG)
        assert index.editions.groups() == [[101, 102]]

    def test_translated_categories_and_tags_become_one(self):
        """Экономика is Economy's Russian name; Регионы (Russian only) is a section of its own."""
        index = index_export(POLYLANG)
        assert index.section_names["ekonomika"] == index.section_names["economy"] == "Economy"
        assert index.section_names["regiony"] == "Регионы"
        assert index.tag_names["tenge-ru"] == "Tenge"
        assert index.term_names == {
            ("category", "economy"): {"ru": "Экономика"},
            ("post_tag", "tenge"): {"ru": "Тенге"},
        }
        assert index.term_languages[("category", "regiony")] == "ru"

    def test_russian_post_plan_files_under_the_shared_section(self):
        index = index_export(POLYLANG)
        plan = post_plan(items(POLYLANG)[102], index)
        assert plan.record.sections == ["Economy"] and plan.record.tags == ["Tenge"]

    def test_old_addresses_with_and_without_the_language_folder(self):
        """A Russian post answered at /ru/... and, with the folder hidden, without it."""
        index = index_export(POLYLANG)
        posts = items(POLYLANG)
        ru = legacy_paths(posts[102], index)
        assert "/ru/2024/05/tenge-stabilizirovalsya/" in ru
        assert "/2024/05/tenge-stabilizirovalsya/" in ru
        en = legacy_paths(posts[101], index)
        assert "/2024/05/tenge-steadies/" in en and "/en/2024/05/tenge-steadies/" in en

    def test_category_addresses_carry_their_edition(self):
        index = index_export(POLYLANG)
        sections = {old: (name, code) for old, name, code in section_paths(index)}
        assert sections["/ru/category/ekonomika/"] == ("Economy", "ru")
        assert sections["/category/ekonomika/"] == ("Economy", "ru")
        assert sections["/?cat=5"] == ("Economy", "ru")
        assert sections["/category/economy/"] == ("Economy", "en")
        tags = {old: (name, code) for old, name, code in tag_paths(index)}
        assert tags["/ru/tag/tenge-ru/"] == ("Tenge", "ru")

    @override_settings(LANGUAGE_CODE="ru")
    def test_the_default_edition_names_the_section(self):
        """With Russian the default edition, the Russian category names the section."""
        index = index_export(POLYLANG)
        assert index.section_names["economy"] == "Экономика"
        assert index.term_names[("category", "ekonomika")] == {"en": "Economy"}


class WpmlIndexTests:
    def test_language_and_group_from_post_meta(self):
        """WPML's export meta gives the language and the group; its meta is not 'ignored'."""
        index = index_export(WPML)
        posts = items(WPML)
        assert post_plan(posts[202], index).record.language == "ru"
        assert index.editions.plugin == "wpml"
        assert index.editions.groups() == [[201, 202]]
        assert not any(key.startswith("_wpml") for key in index.ignored_meta)

    def test_a_language_that_is_no_edition_is_noted(self):
        """German is no edition: the post is imported in the fallback language, with a note."""
        index = index_export(WPML)
        plan = post_plan(items(WPML)[203], index)
        assert plan.record.language == "en"
        assert any("'de' is not an edition" in note for note in plan.notes)
        assert index.editions.unknown == {"de": 1}


class EditionsTests:
    def test_a_malformed_group_description_links_nothing(self):
        """A description that is not a plain serialized array (an object here) is ignored."""
        editions = Editions()
        editions.add_term(
            Term("post_translations", "pll_x", "pll_x", "", 'O:8:"stdClass":1:{s:2:"en";i:1;}')
        )
        assert editions.groups() == []

    def test_only_positive_integer_ids_join_a_group(self):
        editions = Editions()
        text = 'a:4:{s:2:"en";i:1;s:2:"ru";s:1:"2";s:2:"kk";i:-3;s:4:"sync";a:0:{}}'
        editions.add_term(Term("post_translations", "pll_y", "pll_y", "", text))
        assert editions.post_groups == {"pll:pll_y": {1: "en"}}

    def test_channel_language_is_the_fallback(self):
        editions = Editions()
        editions.channel_language("ru-RU")
        item = Item(wp_id=5, terms=[ItemTerm("category", "news", "News")])
        assert editions.post_language(item) == ("ru", "")


class ThirdEditionTests:
    @override_settings(LANGUAGES=[("en", "English"), ("ru", "Russian"), ("kk", "Қазақша")])
    def test_an_added_edition_is_read(self):
        """Adding Kazakh to LANGUAGES is enough for its posts to import as Kazakh."""
        assert edition_code("kk_KZ") == "kk"
        editions = Editions()
        item = Item(wp_id=9, terms=[ItemTerm("language", "kk", "Қазақша")])
        editions.add_item(item)
        assert editions.post_language(item) == ("kk", "")
