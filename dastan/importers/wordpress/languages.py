"""Languages and translations of a multilingual WordPress export (Polylang, WPML).

Polylang keeps everything in taxonomies, which WordPress's exporter writes
like any other (see ``PLL_Translated_Post`` and ``PLL_Translated_Term`` in
polylang/polylang): a post carries a ``language`` term (slug ``ru``, its
description a serialized array with the ``locale``) and a
``post_translations`` term (``pll_<uniqid>``) whose description is the group,
``a:2:{s:2:"en";i:12;s:2:"ru";i:14;}``: language slug -> post id. Terms have
``term_translations`` groups the same way (language slug -> term id); the
``term_language`` link itself is a term-to-term relationship, which WXR does
not carry, so a term's language is read from its group.

WPML keeps languages in its own tables; its "Export and Import" add-on writes
them into the export as post meta: ``_wpml_import_language_code``,
``_wpml_import_source_language_code`` and ``_wpml_import_translation_group``
(the fields of WPML's ``wpml_import_get_trid_from_imported_translations``
hook: language_code, source_language_code, translation_group).

No database here: this reads records and says which edition each post and
term belongs to, and which posts and terms translate one another.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from dastan.importers.wordpress.phpdata import PhpDataError, php_unserialize
from dastan.importers.wordpress.wxr import Item, Term

# Taxonomies Polylang registers; their terms are read here, not imported.
POLYLANG_TAXONOMIES = frozenset(
    {"language", "term_language", "post_translations", "term_translations"}
)
WPML_LANGUAGE = "_wpml_import_language_code"
WPML_SOURCE = "_wpml_import_source_language_code"
WPML_GROUP = "_wpml_import_translation_group"
WPML_META = frozenset({WPML_LANGUAGE, WPML_SOURCE, WPML_GROUP})


def edition_codes() -> list[str]:
    """Return the editions' codes: Django's ``LANGUAGES`` lists the editions."""
    return [code.lower() for code, _ in settings.LANGUAGES]


def edition_code(value: str) -> str | None:
    """Return the edition for a language slug or locale (``ru``, ``ru_RU``, ``ru-RU``), or None."""
    value = value.strip().lower().replace("_", "-").removeprefix("pll-")
    codes = edition_codes()
    if value in codes:
        return value
    primary = value.split("-", 1)[0]
    return primary if primary in codes else None


def default_edition() -> str:
    """Return the default edition (served at ``/``)."""
    code = edition_code(settings.LANGUAGE_CODE)
    return code or edition_codes()[0]


@dataclass
class Editions:
    """What an export says about languages: each post's and term's, and the groups."""

    # The channel's <language>, for posts that carry none of their own.
    fallback: str = ""
    # Plugin language slug -> edition code (Polylang's ``ru`` term, WPML's code).
    languages: dict[str, str] = field(default_factory=dict)
    # Edition code -> the slug the old site put in its addresses (/ru/..., ?lang=ru).
    prefixes: dict[str, str] = field(default_factory=dict)
    # Plugin languages that are no edition here, with how many posts use them.
    unknown: Counter = field(default_factory=Counter)
    # Group key -> {post id: language slug as the group says}.
    post_groups: dict[str, dict[int, str]] = field(default_factory=dict)
    # Post id -> edition code, for posts that say theirs.
    post_languages: dict[int, str] = field(default_factory=dict)
    # Polylang term groups: language slug -> term id.
    term_groups: list[dict[str, int]] = field(default_factory=list)
    # Which plugin the export came from: "polylang", "wpml" or "".
    plugin: str = ""

    @property
    def multilingual(self) -> bool:
        return bool(self.plugin)

    def code(self, slug: str) -> str | None:
        """Return the edition for a plugin language slug, or None when it is no edition."""
        return self.languages.get(slug) or edition_code(slug)

    def channel_language(self, value: str) -> None:
        self.fallback = edition_code(value) or default_edition()

    def add_term(self, term: Term) -> bool:
        """Take a Polylang term into account; return False for any other term."""
        if term.taxonomy not in POLYLANG_TAXONOMIES:
            return False
        self.plugin = "polylang"
        if term.taxonomy == "language" and term.slug:
            details = _php_array(term.description)
            locale = details.get("locale") if isinstance(details.get("locale"), str) else ""
            code = edition_code(term.slug) or edition_code(locale or "")
            if code:
                self.languages[term.slug] = code
                self.prefixes.setdefault(code, term.slug)
        elif term.taxonomy == "post_translations":
            group = self.post_groups.setdefault(f"pll:{term.slug}", {})
            for post_id, language in _id_map(term.description).items():
                group.setdefault(post_id, language)
        elif term.taxonomy == "term_translations":
            members = {language: term_id for term_id, language in _id_map(term.description).items()}
            if members:
                self.term_groups.append(members)
        return True

    def add_item(self, item: Item) -> None:
        """Note a post's own language and the translation group it names."""
        language = ""
        for term in item.terms:
            if term.domain == "language" and term.slug:
                language = term.slug
                self.plugin = "polylang"
        wpml_language = item.meta_value(WPML_LANGUAGE).strip()
        if not language and wpml_language:
            language = wpml_language
            self.plugin = self.plugin or "wpml"
        if language:
            code = self.code(language)
            if code:
                self.post_languages[item.wp_id] = code
                self.prefixes.setdefault(code, language)
            else:
                self.unknown[language] += 1
        for term in item.terms:
            if term.domain == "post_translations" and term.slug:
                self.post_groups.setdefault(f"pll:{term.slug}", {}).setdefault(item.wp_id, language)
        wpml_group = item.meta_value(WPML_GROUP).strip()
        if wpml_group:
            self.post_groups.setdefault(f"wpml:{wpml_group[:200]}", {})[item.wp_id] = language

    def post_language(self, item: Item) -> tuple[str, str]:
        """Return the post's edition and a note ('' when there is nothing to say)."""
        code = self.post_languages.get(item.wp_id)
        if code:
            return code, ""
        named = [t.slug for t in item.terms if t.domain == "language" and t.slug]
        named = named or [item.meta_value(WPML_LANGUAGE).strip()]
        if named[0]:
            return self.fallback, (
                f"language {named[0][:40]!r} is not an edition here: imported as {self.fallback!r}"
            )
        return self.fallback, ""

    def term_languages(self, term_ids: dict[int, str]) -> dict[int, str]:
        """Return term id -> edition code for the terms in ``term_ids`` that groups name."""
        found: dict[int, str] = {}
        for members in self.term_groups:
            for language, term_id in members.items():
                code = self.code(language)
                if code and term_id in term_ids:
                    found[term_id] = code
        return found

    def groups(self) -> list[list[int]]:
        """Return each group of translated posts (post ids), two posts or more."""
        return [sorted(members) for members in self.post_groups.values() if len(members) > 1]


def _php_array(text: str) -> dict:
    if not text.strip():
        return {}
    try:
        value = php_unserialize(text.strip())
    except PhpDataError:
        return {}
    return value if isinstance(value, dict) else {}


def _id_map(text: str) -> dict[int, str]:
    """Return id -> language slug from a translation group's description.

    Other keys Polylang Pro may keep there (``sync`` ...) hold arrays, and are
    left out: only ``slug => positive integer`` pairs name a translation.
    """
    found: dict[int, str] = {}
    for language, value in _php_array(text).items():
        is_id = isinstance(value, int) and not isinstance(value, bool) and value > 0
        if isinstance(language, str) and is_id:
            found.setdefault(value, language)
    return found
