"""Plain-text excerpts of article bodies, for teasers, feeds and meta tags.

An excerpt is text, not HTML: templates escape it like any other string.
Markup shortcodes go with their content (a photo caption is not the start
of the story), and shortcode syntax of any kind never shows, registered or
not, because an excerpt is read far from the article that could explain it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from dastan.rendering.shortcodes import ShortcodeRegistry

__all__ = ["MEDIA_SHORTCODES", "make_excerpt", "plain_text"]

MEDIA_SHORTCODES = frozenset(
    {"caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist"}
)
"""Shortcodes whose content is markup: removed from text with their content."""

_media = ShortcodeRegistry()
for _name in MEDIA_SHORTCODES:
    _media.register(_name, lambda shortcode, registry: "")

# Shortcode-shaped text left after the media shortcodes are gone: [name ...],
# [/name], [name /], with optional escape brackets. Editorial brackets such
# as "[sic]" or "[the mayor]" look the same, so a match only counts as a
# shortcode when it is a closing tag, has a closing tag later, has name=value
# attributes, closes itself, or has "_" or "-" in its name.
_SHORTCODE_LIKE = re.compile(
    r"\[\[?(?P<closing>/)?(?P<name>[A-Za-z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\]\]?", re.ASCII
)
# Whatever survives of a media shortcode, even unfinished: "[caption id=..."
_MEDIA_LEFTOVER = re.compile(
    r"\[+/?(?:" + "|".join(sorted(MEDIA_SHORTCODES)) + r")[^\]]*\]*", re.IGNORECASE
)
# Elements whose text is not part of the story.
_SKIPPED = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "svg",
        "math",
        "iframe",
        "video",
        "audio",
        "figure",
        "object",
        "select",
        "textarea",
        "head",
        "title",
    }
)


class _TextParser(HTMLParser):
    """Collect text, with a space wherever a tag stood so words never merge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping.append(tag)
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and tag in self.skipping:
            while self.skipping.pop() != tag:
                pass
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _remove_shortcode_syntax(text: str) -> str:
    closed = {match["name"] for match in _SHORTCODE_LIKE.finditer(text) if match["closing"]}

    def remove(match: re.Match[str]) -> str:
        attrs = match["attrs"]
        is_shortcode = (
            match["closing"]
            or match["name"] in closed
            or "=" in attrs
            or attrs.rstrip().endswith("/")
            or "_" in match["name"]
            or "-" in match["name"]
        )
        return " " if is_shortcode else match[0]

    text = _SHORTCODE_LIKE.sub(remove, text)
    while True:
        text, count = _MEDIA_LEFTOVER.subn(" ", text)
        if not count:
            return text


def plain_text(html: str) -> str:
    """Return the readable text of a body: no tags, entities or shortcodes."""
    parser = _TextParser()
    parser.feed(_media.strip(html))
    parser.close()
    text = _remove_shortcode_syntax("".join(parser.parts))
    return " ".join(text.split())


def make_excerpt(html: str, *, words: int = 55, more: str = "...") -> str:
    """Return the first ``words`` words of the body's text.

    ``more`` is appended only when words were cut.
    """
    all_words = plain_text(html).split(" ")
    if all_words == [""]:
        return ""
    if len(all_words) <= words:
        return " ".join(all_words)
    # "sites,..." or "площадок...." read as typos: the cut drops the last word's punctuation.
    return " ".join(all_words[:words]).rstrip(".,;:") + more
