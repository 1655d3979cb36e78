"""Paragraphs from line breaks, by WordPress's wpautop rules.

WordPress stores most post bodies without ``<p>`` tags and adds them on
display (wpautop and shortcode_unautop, wp-includes/formatting.php). The
WordPress importer runs ``autop`` once so that stored Dastan bodies are
plain HTML. The steps below follow WordPress's, in WordPress's order, so
imported articles break into the same paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dastan.rendering.shortcodes import default_registry, shortcode_regex

__all__ = ["autop", "shortcode_unautop"]

_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li"
    r"|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_TAG = rf"</?{_BLOCK}[^>]*>"
# wp_html_split: any "<" up to the next ">" counts as markup, so a newline
# inside it is kept rather than turned into <br />.
_HTML_SPLIT = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[^>]*>?", re.DOTALL)
_NEWLINE_MARK = " <!-- wpnl --> "
_KEPT_NEWLINE = "<WPPreserveNewline />"

# Each step is (pattern, replacement), applied in order; re.ASCII because
# WordPress's patterns have no /u flag, so \s is ASCII whitespace.
_BLOCK_SPACING = [
    (r"<br\s*/?>\s*<br\s*/?>", "\n\n"),
    (rf"(<{_BLOCK}[\s/>])", r"\n\n\1"),
    (rf"(</{_BLOCK}>)", r"\1\n\n"),
    (r"(<hr\s*?/?>)", r"\1\n\n"),
]
_COLLAPSE = [
    (("<option",), [(r"\s*<option", "<option"), (r"</option>\s*", "</option>")]),
    (
        ("</object>",),
        [
            (r"(<object[^>]*>)\s*", r"\1"),
            (r"\s*</object>", "</object>"),
            (r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1"),
        ],
    ),
    (
        ("<source", "<track"),
        [
            (r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1"),
            (r"\s*([<\[]/(?:audio|video)[>\]])", r"\1"),
            (r"\s*(<(?:source|track)[^>]*>)\s*", r"\1"),
        ],
    ),
    (
        ("<figcaption",),
        [(r"\s*(<figcaption[^>]*>)", r"\1"), (r"</figcaption>\s*", "</figcaption>")],
    ),
]
_PARAGRAPH_CLEANUP = [
    (r"<p>\s*</p>", ""),
    (r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>"),
    (rf"<p>\s*({_BLOCK_TAG})\s*</p>", r"\1"),
    (r"<p>(<li.+?)</p>", r"\1"),
    (r"(?i)<p><blockquote([^>]*)>", r"<blockquote\1><p>"),
    (r"</blockquote></p>", "</p></blockquote>"),
    (rf"<p>\s*({_BLOCK_TAG})", r"\1"),
    (rf"({_BLOCK_TAG})\s*</p>", r"\1"),
]
_BR_CLEANUP = [
    (rf"({_BLOCK_TAG})\s*<br />", r"\1"),
    (r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1"),
    (r"\n</p>$", "</p>"),
]


def _apply(steps: list[tuple[str, str]], text: str) -> str:
    for pattern, replacement in steps:
        text = re.sub(pattern, replacement, text, flags=re.ASCII)
    return text


def autop(text: str, *, br: bool = True, shortcodes: Iterable[str] | None = None) -> str:
    """Wrap text separated by blank lines in ``<p>``; single newlines become ``<br />``.

    Block-level elements are not wrapped, ``<pre>`` content is kept as it
    is, and a shortcode alone in its paragraph is left unwrapped
    (``shortcodes`` names them; by default the registered shortcodes).
    """
    if not text.strip():
        return ""
    text += "\n"
    text, pre_blocks = _set_aside_pre(text)
    text = _apply(_BLOCK_SPACING, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HTML_SPLIT.sub(lambda match: match[0].replace("\n", _NEWLINE_MARK), text)
    for markers, steps in _COLLAPSE:
        if any(marker in text for marker in markers):
            text = _apply(steps, text)
    text = re.sub(r"\n\n+", "\n\n", text)
    chunks = [chunk for chunk in re.split(r"\n\s*\n", text, flags=re.ASCII) if chunk]
    text = "".join(f"<p>{chunk.strip(chr(10))}</p>\n" for chunk in chunks)
    text = _apply(_PARAGRAPH_CLEANUP, text)
    if br:
        text = re.sub(
            r"<(script|style|svg|math).*?</\1>",
            lambda match: match[0].replace("\n", _KEPT_NEWLINE),
            text,
            flags=re.DOTALL,
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text, flags=re.ASCII)
        text = text.replace(_KEPT_NEWLINE, "\n")
    text = _apply(_BR_CLEANUP, text)
    for placeholder, block in pre_blocks.items():
        text = text.replace(placeholder, block)
    text = text.replace(_NEWLINE_MARK, "\n").replace(_NEWLINE_MARK.strip(), "\n")
    return shortcode_unautop(text, default_registry.names if shortcodes is None else shortcodes)


def _set_aside_pre(text: str) -> tuple[str, dict[str, str]]:
    """Swap each ``<pre>`` block for a placeholder that autop leaves alone."""
    if "<pre" not in text:
        return text, {}
    *parts, last = text.split("</pre>")
    pre_blocks: dict[str, str] = {}
    rebuilt = []
    for part in parts:
        start = part.find("<pre")
        if start < 0:
            # A stray </pre>: WordPress drops it, and so does this.
            rebuilt.append(part)
            continue
        placeholder = f"<pre wp-pre-tag-{len(pre_blocks)}></pre>"
        pre_blocks[placeholder] = part[start:] + "</pre>"
        rebuilt.append(part[:start] + placeholder)
    rebuilt.append(last)
    return "".join(rebuilt), pre_blocks


# wp_spaces_regexp: ASCII whitespace, a no-break space or its entity.
_SPACE = r"(?:[\r\n\t ]|\xa0|&nbsp;)"


def shortcode_unautop(html: str, names: Iterable[str] | None = None) -> str:
    """Unwrap ``<p>[shortcode]</p>``: a shortcode alone in a paragraph is a block."""
    names = list(default_registry.names if names is None else names)
    if not names or "<p>" not in html:
        return html
    pattern = re.compile(
        rf"<p>{_SPACE}*+(?P<shortcode>{shortcode_regex(names)}){_SPACE}*+</p>",
        re.ASCII | re.VERBOSE,
    )

    def unwrap(match: re.Match[str]) -> str:
        # An escaped [[tag]] is text, and stays in its paragraph.
        return match[0] if match["open"] or match["close"] else match["shortcode"]

    return pattern.sub(unwrap, html)
