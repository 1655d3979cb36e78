# ruff: noqa: RUF001, RUF002, RUF003 - Cyrillic and Uzbek letters are what these tests are about
"""Term and name-key normalisation: the same rules at index and query time."""

from __future__ import annotations

import pytest

from dastan.search import text


class TermTests:
    def test_possessive_is_dropped(self):
        """``Kazakhstan's`` and ``Kazakhstan`` are the same term."""
        assert text.term("Kazakhstan's") == text.term("Kazakhstan") == text.term("Kazakhstan’s")

    def test_english_is_stemmed(self):
        """English words are reduced with the Snowball English stemmer."""
        assert text.term("elections") == text.term("election")
        assert text.term("Running") == text.term("run")

    def test_russian_is_stemmed(self):
        """Russian case forms share a stem: ``судом`` finds ``суд``."""
        assert text.term("судом") == text.term("суд") == text.term("Суда")

    def test_yo_is_folded_before_stemming(self):
        """``ё`` is written as ``е`` before the Russian stemmer sees it."""
        assert text.term("ёлка") == text.term("елка")
        assert text.term("Пётр") == text.term("Петр")

    def test_case_and_diacritics_are_folded(self):
        """Case and Latin diacritics do not matter."""
        assert text.term("CAFÉ") == text.term("cafe")
        assert text.term("Türkiye") == text.term("turkiye")

    @pytest.mark.parametrize(
        "mixed, clean",
        [("Сase", "case"), ("cаse", "case"), ("Cуд", "суд"), ("сyдом", "судом")],
    )
    def test_lookalike_letters_are_folded(self, mixed, clean):
        """A Latin letter inside a Cyrillic word (and the reverse) is read as the word's script."""
        assert text.term(mixed) == text.term(clean)

    def test_kazakh_and_uzbek_letters_stay_in_words(self):
        """Kazakh letters and Uzbek oʻ/gʻ do not split a word."""
        assert text.words("Қазақстан әуежайы ұлттық") == ["Қазақстан", "әуежайы", "ұлттық"]
        assert text.words("Oʻzbekiston gʻalla") == ["Oʻzbekiston", "gʻalla"]
        assert text.term("Oʻzbekiston") == text.term("O'zbekiston") == text.term("Ozbekiston")

    def test_html_is_reduced_to_text(self):
        """Tags, scripts and shortcodes are not indexed; entities are decoded."""
        markup = '<p>Tom &amp; Jerry</p><script>x()</script>[caption id="1"]Photo[/caption]'
        assert text.words(text.html_to_text(markup)) == ["Tom", "Jerry", "Photo"]


class NameKeyTests:
    @pytest.mark.parametrize(
        "latin, cyrillic",
        [
            ("Tokayev", "Токаев"),
            ("Tokayev", "Токаева"),
            ("Tokayev", "Токаевым"),
            ("Almaty", "Алматы"),
            ("Almaty", "Алмате"),
            ("Nazarbayev", "Назарбаев"),
            ("Nazarbayev", "Назарбаеву"),
            ("Bishkek", "Бишкек"),
            ("Bishkek", "Бишкеке"),
            ("Zhambyl", "Жамбыл"),
            ("Jambyl", "Жамбыла"),
            ("Tashkent", "Ташкент"),
            ("Tashkent", "Ташкенте"),
            ("Mirziyoyev", "Мирзиёев"),
            ("Astana", "Астане"),
            ("Qaraghandy", "Қарағанды"),
            ("Qarağandy", "Қарағанды"),
            ("Karaganda", "Қарағанды"),
            ("Karaganda", "Караганде"),
            ("Zhanaozen", "Жаңаөзен"),
            ("Janaozen", "Жаңаөзен"),
            ("Tengiz", "Теңіз"),
            ("Shyngys", "Шыңғыс"),
            ("Oʻzbekiston", "Ўзбекистон"),
            ("O'zbekiston", "Ўзбекистон"),
            ("O‘zbekiston", "Ўзбекистон"),
            ("O’zbekiston", "Ўзбекистон"),
            ("Gʻalla", "Ғалла"),
        ],
    )
    def test_names_match_across_scripts(self, latin, cyrillic):
        """A name written in Latin and in Cyrillic (any case form) has one key."""
        assert text.name_key(latin) == text.name_key(cyrillic) != ""

    def test_kazakh_and_uzbek_romanisations_meet(self):
        """gh and g, ng and n (for ң), and the Uzbek apostrophe spellings give one key."""
        assert len({text.name_key(w) for w in ("Qaraghandy", "Karaganda", "Қарағанды")}) == 1
        spellings = ("Oʻzbekiston", "O'zbekiston", "O‘zbekiston", "O’zbekiston", "Ўзбекистон")
        assert len({text.name_key(w) for w in spellings}) == 1

    def test_different_names_differ(self):
        """Keys still tell different names apart."""
        assert text.name_key("Almaty") != text.name_key("Astana")
        assert text.name_key("Tokayev") != text.name_key("Nazarbayev")

    def test_name_keys_come_from_capitalised_words(self):
        """Only capitalised words give name keys."""
        assert text.name_keys("the president Tokayev met officials in Алматы") == [
            text.name_key("Tokayev"),
            text.name_key("Almaty"),
        ]

    def test_distinct_name_keys_match_name_keys_once_each(self):
        """The chunk-memoised keys are the regex keys, deduplicated, punctuation and all."""
        sample = (
            'Tokayev, in Almaty (Алматы), said: "Токаев\'s plan" - Nazarbayev;Bishkek '
            "and tokayev again. Tokayev!"
        )
        assert text.distinct_name_keys(sample) == list(dict.fromkeys(text.name_keys(sample)))
        assert text.distinct_name_keys(sample)[0] == text.name_key("Tokayev")


class HighlightTests:
    def test_matches_are_marked(self):
        """Every word whose term matches is wrapped in <mark>."""
        out = text.highlight("Courts ruled. The court met.", {text.term("court")})
        assert out.count("<mark>") == 2
        assert "<mark>Courts</mark>" in out

    def test_output_is_html_safe(self):
        """Text is escaped, so article text cannot inject markup."""
        out = text.highlight("<b>court</b> & <script>", {text.term("court")})
        assert "<b>" not in out and "<script>" not in out
        assert "&amp;" in out and "<mark>court</mark>" in out

    def test_window_starts_near_first_match(self):
        """A long text is cut to a window around the first match."""
        words = ["filler"] * 200 + ["tokayev"] + ["tail"] * 200
        out = text.highlight(" ".join(words), {text.term("tokayev")}, size=20)
        assert "<mark>tokayev</mark>" in out and out.startswith("…")

    def test_huge_words_and_gaps_are_capped(self):
        """One 1 MB "word" or run of punctuation does not become a 1 MB snippet."""
        giant = "x" * 1_000_000
        out = text.highlight(f"court {giant} {'!' * 1_000_000} court", {text.term("court")})
        assert len(out) < 500
        assert out.count("<mark>court</mark>") == 2
        assert "x" * 57 + "…" in out

    def test_names_are_marked_across_scripts(self):
        """A Cyrillic query marks the Latin spelling of the name."""
        out = text.highlight("President Tokayev spoke.", set(), {text.name_key("Токаев")})
        assert "<mark>Tokayev</mark>" in out
