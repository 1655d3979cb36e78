from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dastan.rendering.shortcodes import Shortcode, ShortcodeRegistry, parse_attrs

EXAMPLES = json.loads(
    (Path(__file__).parents[1] / "data" / "shortcodes" / "examples.json").read_text()
)


def recording_registry(names: list[str]) -> tuple[ShortcodeRegistry, list[Shortcode]]:
    """Return a registry whose renderers record each call and output <TAG>."""
    calls: list[Shortcode] = []
    registry = ShortcodeRegistry()

    def renderer(shortcode: Shortcode, registry: ShortcodeRegistry) -> str:
        calls.append(shortcode)
        return f"<{shortcode.tag.upper()}>"

    for name in names:
        registry.register(name, renderer)
    return registry, calls


def assert_parsed(shortcode: Shortcode, expected: dict) -> None:
    assert shortcode.tag == expected["tag"]
    assert shortcode.attrs == expected["attrs"]
    if "content" in expected:
        assert shortcode.content == expected["content"]
    if "self_closing" in expected:
        assert shortcode.self_closing == expected["self_closing"]


class WordPressExamplesTests:
    """Every third-party example in tests/data/shortcodes behaves as WordPress does."""

    @pytest.mark.parametrize("example", EXAMPLES, ids=[example["id"] for example in EXAMPLES])
    def test_example(self, example: dict) -> None:
        """Parsed tags, attributes, content and output text match the example."""
        registry, calls = recording_registry(example["registered"])
        expect = example["expect"]
        parsed = registry.parse(example["input"])
        if "parsed" in expect:
            assert len(parsed) == 1
            assert_parsed(parsed[0], expect["parsed"])
        if "parsed_second" in expect:
            assert_parsed(parsed[0], expect["parsed_second"])
        output = registry.render(example["input"])
        if "output" in expect:
            assert output == expect["output"]
        if "output_first_part_unchanged" in expect:
            assert output.startswith(expect["output_first_part_unchanged"])
        if "shortcodes_run" in expect:
            assert [call.tag for call in calls] == expect["shortcodes_run"]

    def test_examples_are_all_checked(self) -> None:
        """The data file holds the ten examples the tests were written for."""
        assert [example["id"] for example in EXAMPLES] == [f"ex-{n:02}" for n in range(1, 11)]


class ShortcodeRegistryTests:
    def setup_method(self) -> None:
        self.registry, self.calls = recording_registry(["gallery", "caption", "embed"])

    def test_self_closing(self) -> None:
        """[x /] is self-closing and has no content."""
        (shortcode,) = self.registry.parse('[gallery ids="1" /]')
        assert shortcode.self_closing and shortcode.content is None
        assert shortcode.attrs == {"ids": "1"}

    def test_enclosing(self) -> None:
        """[x]...[/x] passes the enclosed text as content."""
        (shortcode,) = self.registry.parse("a [caption]<img src=x> b[/caption] c")
        assert shortcode.content == "<img src=x> b"
        assert (shortcode.start, shortcode.end) == (2, 34)

    def test_unknown_left_exactly(self) -> None:
        """Unregistered shortcodes stay as written, brackets and all."""
        text = '[pullquote cite="x"]We will rebuild.[/pullquote] [contact-form-7 id="3"]'
        assert self.registry.render(text) == text
        assert self.registry.strip(text) == text

    def test_name_must_end(self) -> None:
        """[gallery-wide] is not [gallery]."""
        assert self.registry.render("[gallery-wide] [gallery_x]") == "[gallery-wide] [gallery_x]"

    def test_escaped(self) -> None:
        """[[x]] renders as a literal [x]; enclosing shortcodes escape the same way."""
        text = "[[gallery]] and [[caption]x[/caption]]"
        assert self.registry.render(text) == "[gallery] and [caption]x[/caption]"
        assert self.registry.parse(text) == []
        assert self.calls == []

    def test_half_escaped_keeps_bracket(self) -> None:
        """A single extra bracket is kept next to the rendered output."""
        assert self.registry.render("[[gallery]") == "[<GALLERY>"
        assert self.registry.render("[gallery]]") == "<GALLERY>]"

    def test_nesting_different_tags(self) -> None:
        """A renderer can render the shortcodes in its content."""
        registry = ShortcodeRegistry()
        registry.register("box", lambda s, r: f"<div>{r.render(s.content or '')}</div>")
        registry.register("b", lambda s, r: f"<b>{s.content}</b>")
        assert registry.render("[box]a [b]bold[/b] c[/box]") == "<div>a <b>bold</b> c</div>"

    def test_same_tag_does_not_nest(self) -> None:
        """As in WordPress, content runs to the first closing tag of the same name."""
        (shortcode,) = self.registry.parse("[caption]a[caption]b[/caption]c[/caption]")
        assert shortcode.content == "a[caption]b"
        assert self.registry.render("[caption]a[caption]b[/caption]c[/caption]") == (
            "<CAPTION>c[/caption]"
        )

    def test_no_closing_tag_means_standalone(self) -> None:
        """Without a closing tag, each opening tag is its own shortcode."""
        shortcodes = self.registry.parse("[embed] one [embed] two")
        assert [s.content for s in shortcodes] == [None, None]

    def test_brackets_in_html_are_not_shortcodes(self) -> None:
        """Shortcodes inside tags, attributes and comments are never expanded."""
        text = '<a title="[gallery]" href="/x">[gallery]</a><!-- [gallery] -->'
        assert self.registry.render(text) == (
            '<a title="[gallery]" href="/x"><GALLERY></a><!-- [gallery] -->'
        )

    def test_html_in_content_with_brackets(self) -> None:
        """A ']' inside a tag in the content does not end the shortcode early."""
        (shortcode,) = self.registry.parse('[caption]<img alt="a]b" src=x> text[/caption]')
        assert shortcode.content == '<img alt="a]b" src=x> text'

    def test_strip_removes_content(self) -> None:
        """strip() drops shortcodes with their content and unescapes [[x]]."""
        text = "a [caption]<img> text[/caption] b [gallery] [[gallery]] c"
        assert self.registry.strip(text) == "a  b  [gallery] c"

    def test_register_own_shortcode(self) -> None:
        """A newsroom can add a shortcode and remove it again."""
        registry = ShortcodeRegistry()
        registry.register("pullquote", lambda s, r: f"<blockquote>{s.content}</blockquote>")
        assert registry.render("[pullquote]Hi[/pullquote]") == "<blockquote>Hi</blockquote>"
        registry.unregister("pullquote")
        assert registry.render("[pullquote]Hi[/pullquote]") == "[pullquote]Hi[/pullquote]"

    def test_copy_is_independent(self) -> None:
        """Changing a copy leaves the original registry alone."""
        copy = self.registry.copy()
        copy.unregister("gallery")
        assert "gallery" in self.registry and "gallery" not in copy

    @pytest.mark.parametrize("name", ["", "a b", "a/b", "a]", "a=b", "a<b"])
    def test_invalid_names_refused(self, name: str) -> None:
        """Names WordPress would refuse raise ValueError."""
        with pytest.raises(ValueError):
            ShortcodeRegistry().register(name, lambda s, r: "")

    def test_tag_names_case_sensitive(self) -> None:
        """[Gallery] is not [gallery]."""
        assert self.registry.parse("[Gallery] [GALLERY]") == []


class ParseAttrsTests:
    def test_quoting_styles(self) -> None:
        """Double-quoted, single-quoted and unquoted values are all strings."""
        assert parse_attrs(""" a="1" b='2' c=3 """) == {"a": "1", "b": "2", "c": "3"}

    def test_names_lower_cased(self) -> None:
        """Attribute names are lower-cased; values keep their case."""
        assert parse_attrs('IDS="A,B"') == {"ids": "A,B"}

    def test_positional(self) -> None:
        """Bare words and quoted values without a name are numbered in order."""
        assert parse_attrs("autoplay \"two words\" 'x' k=v") == {
            "0": "autoplay",
            "1": "two words",
            "2": "x",
            "k": "v",
        }

    def test_spaces_around_equals(self) -> None:
        """Whitespace may surround '='."""
        assert parse_attrs('width = "600"') == {"width": "600"}

    def test_no_break_space_separates(self) -> None:
        """A no-break space counts as a space, as in WordPress."""
        assert parse_attrs('a="1"\u00a0b="2"') == {"a": "1", "b": "2"}

    def test_backslash_escapes(self) -> None:
        """Values go through stripcslashes: \\" is a quote-free escape, \\n a newline."""
        assert parse_attrs(r"a='x\ty' b=c\\d") == {"a": "x\ty", "b": "c\\d"}

    def test_unclosed_tag_blanked(self) -> None:
        """A value holding an unclosed HTML tag is blanked; closed tags survive."""
        assert parse_attrs('a="<img src=x" b="<em>ok</em>"') == {"a": "", "b": "<em>ok</em>"}

    def test_empty(self) -> None:
        """Whitespace only gives no attributes."""
        assert parse_attrs("   ") == {}


class ShortcodePropertyTests:
    @given(st.text(alphabet=st.sampled_from(list("[]/=\"' abcgalery<>\n")), max_size=80))
    def test_never_raises(self, text: str) -> None:
        """Parsing, rendering and stripping any text never raises."""
        registry, _ = recording_registry(["gallery", "a", "b"])
        registry.parse(text)
        registry.render(text)
        registry.strip(text)

    @given(st.text(max_size=200))
    def test_unregistered_text_unchanged(self, text: str) -> None:
        """Text without registered shortcodes comes back unchanged."""
        registry, _ = recording_registry(["x-not-used-anywhere"])
        if "x-not-used-anywhere" not in text:
            assert registry.render(text) == text
            assert registry.strip(text) == text
