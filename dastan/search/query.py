"""Parse what a reader types into a small tree that every backend compiles.

The language is the one readers know from web search engines: words are ANDed,
``"exact phrase"``, ``-word`` or ``-"phrase"`` excludes, ``OR`` between two items
offers alternatives. Anything else is text: ``*``, ``:``, ``NEAR(``, ``^``,
brackets and SQL fragments are only word separators, so every input parses.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dastan.search import text

# A reader's query is a few words; longer input is cut, never rejected.
MAX_QUERY_CHARS = 256
MAX_ITEMS = 12
# Every option of an OR group is one more ranked lookup: bound the whole query's work.
MAX_OPTIONS = 16
MAX_PHRASE_WORDS = 12


@dataclass(frozen=True)
class Term:
    """One word as the reader typed it."""

    word: str


@dataclass(frozen=True)
class Phrase:
    """Words that must appear next to each other, in order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    """Alternatives joined by ``OR``: at least one must match."""

    options: tuple[Term | Phrase, ...]


Item = Term | Phrase | AnyOf


@dataclass(frozen=True)
class Query:
    """Everything in ``include`` must match and nothing in ``exclude`` may."""

    include: tuple[Item, ...] = ()
    exclude: tuple[Term | Phrase, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Return whether there is nothing to look for (only exclusions, or no words)."""
        return not self.include

    def positive_words(self) -> list[str]:
        """Return every word the results should contain, for highlighting."""
        found: list[str] = []
        for item in self.include:
            options = item.options if isinstance(item, AnyOf) else (item,)
            for option in options:
                found.extend(option.words if isinstance(option, Phrase) else (option.word,))
        return found


def _clean(raw: str) -> str:
    """Return ``raw`` cut to size, with control and format characters made spaces."""
    raw = unicodedata.normalize("NFC", (raw or "")[:MAX_QUERY_CHARS])
    return "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in raw)


def _item(chunk: str, *, phrase: bool) -> Term | Phrase | None:
    found = text.words(chunk)[:MAX_PHRASE_WORDS]
    if not found:
        return None
    if len(found) == 1 and not phrase:
        return Term(found[0])
    if len(found) == 1:
        return Term(found[0])
    return Phrase(tuple(found))


def _lex(raw: str) -> list[tuple[str, str]]:
    """Split into ``(kind, value)`` tokens.

    Kinds: ``word``, ``phrase``, ``neg-word``, ``neg-phrase`` and ``or``.
    """
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        negative = c == "-" and i + 1 < n and not raw[i + 1].isspace()
        if negative:
            i += 1
            c = raw[i]
        if c == '"':
            end = raw.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(("neg-phrase" if negative else "phrase", raw[i + 1 : end]))
            i = end + 1
            continue
        end = i
        while end < n and not raw[end].isspace() and raw[end] != '"':
            end += 1
        chunk = raw[i:end]
        i = end
        if chunk == "OR" and not negative:
            tokens.append(("or", chunk))
        else:
            tokens.append(("neg-word" if negative else "word", chunk))
    return tokens


def parse(raw: str) -> Query:
    """Return the :class:`Query` for any text at all; it never raises."""
    include: list[Item] = []
    exclude: list[Term | Phrase] = []
    pending_or = False
    for kind, value in _lex(_clean(raw)):
        if kind == "or":
            pending_or = bool(include)
            continue
        item = _item(value, phrase=kind.endswith("phrase"))
        if item is None:
            continue
        if kind.startswith("neg"):
            if item not in exclude:
                exclude.append(item)
            pending_or = False
            continue
        if pending_or:
            previous = include.pop()
            options = previous.options if isinstance(previous, AnyOf) else (previous,)
            if item not in options and len(options) < MAX_OPTIONS:
                options = (*options, item)
            include.append(AnyOf(options) if len(options) > 1 else options[0])
            pending_or = False
        elif item not in include:
            include.append(item)
    return Query(include=_bounded(include[:MAX_ITEMS]), exclude=tuple(exclude[:MAX_ITEMS]))


def _bounded(items: list[Item]) -> tuple[Item, ...]:
    """Keep items while their options (an OR group counts each) stay within MAX_OPTIONS."""
    kept: list[Item] = []
    used = 0
    for item in items:
        cost = len(item.options) if isinstance(item, AnyOf) else 1
        if used + cost > MAX_OPTIONS:
            break
        kept.append(item)
        used += cost
    return tuple(kept)
