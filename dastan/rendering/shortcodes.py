"""WordPress-compatible shortcodes: one parser, one registry.

Imported WordPress bodies are full of shortcodes, so the parser follows the
rules of WordPress's Shortcode API (``get_shortcode_regex`` and
``shortcode_parse_atts`` in wp-includes/shortcodes.php) rather than inventing
a friendlier grammar: old content must mean what it meant in WordPress.

Only registered names are shortcodes. Anything else in square brackets is
ordinary text and is left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from dastan.rendering.markup import HTML_MARKUP

__all__ = [
    "Renderer",
    "Shortcode",
    "ShortcodeRegistry",
    "default_registry",
    "parse_attrs",
    "shortcode_regex",
]


@dataclass(frozen=True)
class Shortcode:
    """One shortcode found in a text.

    ``content`` is None when the tag has no closing tag, and ``start``/``end``
    locate the whole shortcode (closing tag included) in the parsed text.
    """

    tag: str
    attrs: dict[str, str]
    content: str | None
    self_closing: bool
    start: int
    end: int


Renderer = Callable[[Shortcode, "ShortcodeRegistry"], str]
"""Turn a shortcode into HTML; call ``registry.render(shortcode.content)`` to nest."""

# Characters WordPress refuses in a shortcode name (add_shortcode).
_INVALID_NAME = re.compile(r"[<>&/\[\]\x00-\x20=]")

# Brackets inside HTML markup (tags, comments, CDATA) never start a
# shortcode. WordPress does the same (do_shortcodes_in_html_tags) except that
# it also expands shortcodes inside attribute values; Dastan never does,
# because the output would land inside an attribute after sanitizing.
_MASK = str.maketrans("[]", "\x1a\x1a")

# shortcode_parse_atts: name="value", name='value', name=value, "value",
# 'value' and bare words, each followed by whitespace or the end. Without the
# /u flag PCRE's \w and \s are ASCII, hence re.ASCII.
_ATTR = re.compile(
    r"""
      ([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)
    | ([\w-]+)\s*=\s*'([^']*)'(?:\s|$)
    | ([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)
    | "([^"]*)"(?:\s|$)
    | '([^']*)'(?:\s|$)
    | (\S+)(?:\s|$)
    """,
    re.ASCII | re.VERBOSE,
)
_BALANCED_TAGS = re.compile(r"^[^<]*+(?:<[^>]*+>[^<]*+)*+$")
_C_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_C_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape_c(value: str) -> str:
    """Undo C-style backslash escapes, as PHP's stripcslashes does."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8) & 0xFF)
        return _C_SIMPLE.get(code, code)

    return _C_ESCAPE.sub(replace, value) if "\\" in value else value


def parse_attrs(text: str) -> dict[str, str]:
    """Parse the attribute part of an opening tag the way WordPress does.

    Names are lower-cased, values are always strings and unnamed values are
    stored under "0", "1", ... in order of appearance.
    """
    text = re.sub("[\u00a0\u200b]+", " ", text)
    attrs: dict[str, str] = {}
    position = 0
    for match in _ATTR.finditer(text):
        groups = match.groups()
        for name_index in (0, 2, 4):
            if groups[name_index] is not None:
                attrs[groups[name_index].lower()] = _unescape_c(groups[name_index + 1])
                break
        else:
            value = next(group for group in groups[6:] if group is not None)
            attrs[str(position)] = _unescape_c(value)
            position += 1
    # WordPress blanks any value holding an unclosed HTML tag (since 4.2.3).
    for name, value in attrs.items():
        if "<" in value and not _BALANCED_TAGS.match(value):
            attrs[name] = ""
    return attrs


def shortcode_regex(names: Iterable[str]) -> str:
    """Return the pattern of WordPress's get_shortcode_regex for ``names``.

    Named groups: ``open`` and ``close`` hold the extra brackets of an
    escaped ``[[tag]]``, then ``tag``, ``attrs``, ``slash`` (self-closing)
    and ``content`` (None without a closing tag). Compile with re.VERBOSE.
    """
    # Longest first, so the alternation never stops at a prefix.
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return (
        r"""
        \[
        (?P<open>\[?)                   # [[tag]] is the escape for a literal [tag]
        (?P<tag>"""
        + alternatives
        + r""")
        (?![\w-])                       # [gallery-x] is not [gallery]
        (?P<attrs>[^\]/]*(?:/(?!\])[^\]/]*)*?)
        (?:
            (?P<slash>/)\]              # [tag /]
          |
            \]
            (?:                         # optional content up to the first [/tag]
                (?P<content>[^\[]*+(?:\[(?!/(?P=tag)\])[^\[]*+)*+)
                \[/(?P=tag)\]
            )?
        )
        (?P<close>\]?)
        """
    )


class ShortcodeRegistry:
    """Shortcode names and the renderers that turn them into HTML.

    A newsroom adds its own shortcodes with ``register``; ``copy`` gives a
    registry to change for one request without touching the shared one.
    """

    def __init__(self) -> None:
        self._renderers: dict[str, Renderer] = {}
        self._pattern: re.Pattern[str] | None = None

    def register(self, name: str, renderer: Renderer) -> None:
        """Make ``[name]`` a shortcode rendered by ``renderer``."""
        if not name or _INVALID_NAME.search(name):
            raise ValueError(f"Invalid shortcode name: {name!r}")
        self._renderers[name] = renderer
        self._pattern = None

    def unregister(self, name: str) -> None:
        """Forget ``name``; its shortcodes become plain text again."""
        self._renderers.pop(name, None)
        self._pattern = None

    def copy(self) -> ShortcodeRegistry:
        """Return an independent registry with the same shortcodes."""
        registry = ShortcodeRegistry()
        registry._renderers = dict(self._renderers)
        return registry

    @property
    def names(self) -> frozenset[str]:
        """The registered shortcode names."""
        return frozenset(self._renderers)

    def __contains__(self, name: object) -> bool:
        return name in self._renderers

    def parse(self, text: str) -> list[Shortcode]:
        """Return the top-level shortcodes of ``text``; escaped ones are skipped."""
        return [
            self._shortcode(match, text) for match in self._matches(text) if not _is_escaped(match)
        ]

    def render(self, text: str) -> str:
        """Replace each shortcode with its renderer's output."""

        def expand(match: re.Match[str]) -> str:
            shortcode = self._shortcode(match, text)
            html = self._renderers[shortcode.tag](shortcode, self)
            return match["open"] + html + match["close"]

        return self._replace(text, expand)

    def strip(self, text: str) -> str:
        """Remove each shortcode, with its content, as strip_shortcodes does."""
        return self._replace(text, lambda match: match["open"] + match["close"])

    def _replace(self, text: str, replace: Callable[[re.Match[str]], str]) -> str:
        parts: list[str] = []
        position = 0
        for match in self._matches(text):
            parts.append(text[position : match.start()])
            if _is_escaped(match):
                parts.append(text[match.start() + 1 : match.end() - 1])
            else:
                parts.append(replace(match))
            position = match.end()
        parts.append(text[position:])
        return "".join(parts)

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        if not self._renderers or "[" not in text:
            return iter(())
        if self._pattern is None:
            self._pattern = re.compile(shortcode_regex(self._renderers), re.ASCII | re.VERBOSE)
        # Matching runs on a copy where brackets inside HTML markup are
        # masked; the masked copy has the same length, so match positions
        # slice the original text.
        masked = HTML_MARKUP.sub(lambda match: match[0].translate(_MASK), text)
        return self._pattern.finditer(masked)

    @staticmethod
    def _shortcode(match: re.Match[str], text: str) -> Shortcode:
        content_start, content_end = match.span("content")
        return Shortcode(
            tag=match["tag"],
            attrs=parse_attrs(text[slice(*match.span("attrs"))]),
            content=None if content_start < 0 else text[content_start:content_end],
            self_closing=match["slash"] is not None,
            start=match.start() + len(match["open"]),
            end=match.end() - len(match["close"]),
        )


def _is_escaped(match: re.Match[str]) -> bool:
    return match["open"] == "[" and match["close"] == "]"


default_registry = ShortcodeRegistry()
"""The shortcodes Dastan renders; ``dastan.rendering`` registers the built-ins."""
