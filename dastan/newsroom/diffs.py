"""Readable differences between two article versions, for the desk's compare page.

The body is HTML: it is cut into one line per block (paragraph, heading, list item)
with its tags kept as text, so an editor sees ``<h2>`` become ``<h3>``; changed lines
are compared word by word. Everything is escaped: a diff never renders the HTML it shows.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dastan.content.models import ArticleVersion

# A line ends after these closing tags (and <br>): one block of the body per line.
_BLOCK_END = re.compile(
    r"(</(?:p|h[1-6]|li|blockquote|figure|figcaption|table|tr|ul|ol|div|pre)>|<br\s*/?>|<hr\s*/?>)",
    re.IGNORECASE,
)
_TOKENS = re.compile(r"\s+|<[^>]*>|[^\s<]+")


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: ``kind`` is "same", "removed", "added" or "changed"."""

    kind: str
    old: SafeString
    new: SafeString


@dataclass(frozen=True)
class FieldDiff:
    label: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def text_lines(text: str) -> list[str]:
    """Split ``text`` into lines, one per HTML block when it is HTML; drop blank lines."""
    text = _BLOCK_END.sub(r"\1\n", text or "")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _words_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f"<del>{removed}</del>")
        if added:
            right.append(f"<ins>{added}</ins>")
    # Every piece was escaped above.
    return mark_safe("".join(left)), mark_safe("".join(right))


def lines_diff(old: str, new: str) -> list[DiffLine]:
    """Return the line-by-line diff of ``old`` and ``new``; changed lines marked word by word."""
    a, b = text_lines(old), text_lines(new)
    lines: list[DiffLine] = []
    blank = mark_safe("")
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [DiffLine("same", escape(line), escape(line)) for line in a[i1:i2]]
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            lines.append(DiffLine("changed", *_words_diff(a[i1 + k], b[j1 + k])))
        lines += [DiffLine("removed", escape(line), blank) for line in a[i1 + pairs : i2]]
        lines += [DiffLine("added", blank, escape(line)) for line in b[j1 + pairs : j2]]
    return lines


def _names(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(_names(v) for v in value)
    if value is None:
        return ""
    return str(value)


def metadata_text(metadata) -> str:
    """Return a version's metadata as "label: value" lines, names instead of ids."""
    if not isinstance(metadata, dict):
        return ""
    return "\n".join(f"{key}: {_names(value)}" for key, value in sorted(metadata.items()))


def versions_diff(old: ArticleVersion, new: ArticleVersion) -> list[FieldDiff]:
    """Return the diff of every field two versions hold, in the form's order."""
    fields = [
        (_("Title"), old.title, new.title),
        (_("Standfirst"), old.standfirst, new.standfirst),
        (_("Body"), old.body, new.body),
        (_("Excerpt"), old.excerpt, new.excerpt),
        (_("Status, filing and image"), metadata_text(old.metadata), metadata_text(new.metadata)),
    ]
    return [FieldDiff(label, lines_diff(a, b)) for label, a, b in fields]
