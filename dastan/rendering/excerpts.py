"""Plain-text excerpts of article bodies, for teasers, feeds and meta tags.

An excerpt is text, not HTML: templates escape it like any other string.
Markup shortcodes go with their content (a photo caption is not the start
of the story), and shortcode syntax of any kind never shows, registered or
not, because an excerpt is read far from the article that could explain it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import regex

from dastan.rendering.shortcodes import ShortcodeRegistry

__all__ = [
    "MEDIA_SHORTCODES",
    "MORE_BREAK",
    "clip_text",
    "make_excerpt",
    "plain_text",
    "split_more",
]

MORE_BREAK = re.compile(r"<!--\s*more\b.*?-->", re.DOTALL | re.IGNORECASE)
"""WordPress's "read more" break (``<!--more-->``, the editor's Read more button)."""


def split_more(html: str) -> tuple[str, bool]:
    """Return the body up to its first "read more" break, and whether it had one."""
    match = MORE_BREAK.search(html)
    return (html[: match.start()], True) if match else (html, False)


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


_GRAPHEME = regex.compile(r"\X")


def clip_text(text: str, chars: int, *, more: str = "...") -> str:
    """Return ``text``, or when it is longer than ``chars`` a cut of it ending with ``more``.

    The cut, ``more`` included, is at most ``chars`` long. It ends at the last
    space when one is in its second half, else between two graphemes: a letter
    keeps its accents and an emoji sequence stays whole. Only the first
    ``chars`` characters are read, so a 50 MB "word" costs no more than a short one.
    """
    return text if len(text) <= chars else _cut(text, chars, more)


def _cut(text: str, chars: int, more: str) -> str:
    room = max(0, chars - len(more))
    end = 0
    # A boundary at or before ``room`` depends only on the characters up to it
    # and the one after, so scanning ``room + 1`` characters finds them all.
    for match in _GRAPHEME.finditer(text, 0, room + 1):
        if match.end() > room:
            break
        end = match.end()
    head = text[:end]
    space = head.rfind(" ")
    if space > room // 2:
        head = head[:space]
    return _unpunctuated(head.rstrip()) + more


def _unpunctuated(text: str) -> str:
    # "sites,..." or "площадок...." read as typos: a cut drops the last word's punctuation.
    return text.rstrip(".,;:")


def make_excerpt(html: str, *, words: int = 55, chars: int = 500, more: str = "...") -> str:
    """Return the first ``words`` words of the body's text, ``more`` included at most ``chars``.

    ``more`` is appended only when something was cut. Words alone do not bound
    the length: a body of one 50 MB "word" would be a 50 MB excerpt. A "read more"
    break (``<!--more-->``) ends the excerpt where the writer put it, whatever its words.
    """
    head, has_break = split_more(html)
    if has_break:
        text = _unpunctuated(plain_text(head))
        if not text:
            return make_excerpt(MORE_BREAK.sub(" ", html), words=words, chars=chars, more=more)
        return text + more if len(text) + len(more) <= chars else _cut(text, chars, more)
    all_words = plain_text(html).split(" ")
    if all_words == [""]:
        return ""
    text = " ".join(all_words[:words])
    if len(all_words) <= words:
        return clip_text(text, chars, more=more)
    text = _unpunctuated(text)
    return text + more if len(text) + len(more) <= chars else _cut(text, chars, more)
