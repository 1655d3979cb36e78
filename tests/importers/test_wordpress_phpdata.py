"""Reading PHP-serialized term descriptions: the plain forms only, strictly."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dastan.importers.wordpress.phpdata import MAX_DEPTH, PhpDataError, php_unserialize


def php_serialize(value) -> str:
    """Serialize as PHP's serialize() does, for the kinds the reader accepts (test helper)."""
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    items = "".join(php_serialize(k) + php_serialize(v) for k, v in value.items())
    return f"a:{len(value)}:{{{items}}}"


class PhpUnserializeTests:
    def test_polylang_translation_group(self):
        """A Polylang group reads as language -> post id."""
        assert php_unserialize('a:2:{s:2:"en";i:12;s:2:"ru";i:14;}') == {"en": 12, "ru": 14}

    def test_polylang_language_description(self):
        """A language term's description gives its locale."""
        text = 'a:3:{s:6:"locale";s:5:"ru_RU";s:3:"rtl";i:0;s:9:"flag_code";s:2:"ru";}'
        assert php_unserialize(text) == {"locale": "ru_RU", "rtl": 0, "flag_code": "ru"}

    def test_string_lengths_count_bytes(self):
        """PHP counts a string's bytes, not its letters: Cyrillic takes two each."""
        assert php_unserialize('a:1:{s:4:"name";s:10:"Тенге";}') == {"name": "Тенге"}

    def test_nested_extra_data_is_read(self):
        """Polylang Pro keeps extra data beside the ids (a nested array)."""
        text = 'a:3:{s:2:"en";i:1;s:2:"ru";i:2;s:4:"sync";a:1:{i:0;b:1;}}'
        assert php_unserialize(text) == {"en": 1, "ru": 2, "sync": {0: True}}

    @pytest.mark.parametrize(
        "text",
        [
            'O:8:"stdClass":1:{s:1:"a";i:1;}',  # an object: never built
            'a:1:{s:1:"a";O:8:"stdClass":0:{}}',
            'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}',
            "a:2:{i:0;i:1;i:1;r:2;}",  # a reference
            'a:2:{s:2:"en";i:12;}',  # count larger than the items
            'a:1:{s:2:"en";i:12;}trailing',
            's:10:"short";',  # length past the end
            "a:1:{a:0:{}i:1;}",  # an array as a key
            "i:12",
            "",
            "__import__('os')",
        ],
    )
    def test_anything_else_is_refused(self, text):
        """Objects, references, malformed and trailing data raise PhpDataError."""
        with pytest.raises(PhpDataError):
            php_unserialize(text)

    def test_deep_nesting_is_refused(self):
        """Arrays nested deeper than the limit are refused, not recursed into."""
        text = "a:1:{i:0;" * (MAX_DEPTH + 1) + "i:1;" + "}" * (MAX_DEPTH + 1)
        with pytest.raises(PhpDataError):
            php_unserialize(text)

    @given(
        st.dictionaries(
            st.one_of(st.integers(min_value=0, max_value=10**6), st.text(max_size=8)),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(min_value=-(2**62), max_value=2**62),
                st.text(max_size=12),
            ),
            max_size=6,
        )
    )
    def test_round_trip(self, value):
        """Whatever PHP serializes of these kinds reads back the same."""
        assert php_unserialize(php_serialize(value)) == value

    @given(st.text(max_size=60))
    def test_never_raises_anything_but_its_error(self, text):
        """Any text either reads or raises PhpDataError."""
        with contextlib.suppress(PhpDataError):
            php_unserialize(text)
