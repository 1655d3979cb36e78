"""A row's tsvector written as text in Python, with PostgreSQL's own lexemes for each word.

``to_tsvector`` spent most of the server's time in a load (its parser, not
the stemmer: ``simple`` cost 1.7 ms an article against 2.1 ms for
``dastan``), and that capped the import and the rebuild. The folded text
(:func:`~dastan.search.text.fold_text`) is words of letters and digits
separated by single spaces, so each word is parsed on its own: the server is
asked once per distinct word what ``to_tsvector`` makes of it (its lexemes and
how many positions it takes), and the vector of a whole row is put together
here exactly as ``setweight(to_tsvector(title), 'A') || setweight(...body, 'B')
|| setweight(to_tsvector('simple', names), 'C') || array_to_tsvector(marks)``
makes it (positions capped at 16383, at most 255 per lexeme from one text and
256 after ``||``). The server then only parses the vector's text.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

# PostgreSQL's limits (tsearch/ts_type.h): the highest position and positions a lexeme keeps.
MAX_POS = (1 << 14) - 1
MAX_NUMPOS = 256
# Distinct words remembered per configuration before the memory is emptied.
MEMO_LIMIT = 1_000_000
# A word that ends every probe: its own position tells how many the probed word took.
_PROBE_END = "0"

# Per configuration, word -> (positions it takes, ((lexeme, position in the word), ...)).
_words: dict[str, dict[str, tuple[int, tuple[tuple[str, int], ...]]]] = {}
# Per configuration, word -> its lexeme quoted when it is one lexeme at one position, else None.
_one_lexeme: dict[str, dict[str, str | None]] = {}


def _learn(config: str, words: Iterable[str]) -> None:
    """Ask the server what ``to_tsvector(config, ...)`` makes of each of ``words``."""
    known = _words.setdefault(config, {})
    quoted = _one_lexeme.setdefault(config, {})
    if len(known) > MEMO_LIMIT:
        known.clear()
        quoted.clear()
    new = sorted({w for w in words if w not in known})
    if not new:
        return
    found: dict[str, list[tuple[str, int]]] = {w: [] for w in new}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, u.lexeme, u.positions FROM unnest(%s::text[]) AS w "
            "CROSS JOIN LATERAL unnest(to_tsvector(%s::regconfig, w || ' ' || %s)) AS u",
            [new, config, _PROBE_END],
        )
        for word, lexeme, positions in cursor.fetchall():
            found[word].extend((lexeme, p) for p in positions)
    for word, entries in found.items():
        end = max(p for _, p in entries)  # the probe's word is the last
        own = tuple(sorted(((lx, p) for lx, p in entries if p < end), key=lambda e: e[1]))
        known[word] = (end - 1, own)
        quoted[word] = _quoted(own[0][0]) if end == 2 and len(own) == 1 else None


def learn(texts: Iterable[tuple[str, str, str]]) -> None:
    """Ask the server, in one statement per configuration, for every word of a batch of
    folded ``(title, body, names)`` it has not been asked for: one round trip per batch
    rather than per row."""
    wanted: dict[str, set[str]] = {"dastan": set(), "simple": set()}
    for title, body, names in texts:
        wanted["dastan"].update(title.split(), body.split())
        wanted["simple"].update(names.split())
    for config, words in wanted.items():
        _learn(config, words)


def _positions(config: str, folded: str) -> dict[str, list[int]]:
    """Return ``{lexeme: positions}`` as ``to_tsvector(config, folded)`` stores them."""
    words = folded.split()
    known = _words.get(config)
    if known is None or any(w not in known for w in words):
        _learn(config, words)
        known = _words[config]
    found: dict[str, list[int]] = {}
    at = 0
    for word in words:
        taken, own = known[word]
        for lexeme, offset in own:
            pos = min(at + offset, MAX_POS)
            kept = found.get(lexeme)
            if kept is None:
                found[lexeme] = [pos]
            elif len(kept) < MAX_NUMPOS - 1 and kept[-1] != MAX_POS and kept[-1] != pos:
                kept.append(pos)
        at += taken
    return found


def _concat(
    left: dict[str, list[tuple[int, str]]], right: dict[str, list[int]], weight: str
) -> None:
    """Append ``right`` (one weight) to ``left`` as ``tsvector || tsvector`` does."""
    shift = max((p for ps in left.values() for p, _ in ps), default=0)
    for lexeme, positions in right.items():
        kept = left.setdefault(lexeme, [])
        for p in positions:
            if len(kept) >= MAX_NUMPOS or (kept and kept[-1][0] == MAX_POS):
                break
            kept.append((min(p + shift, MAX_POS), weight))


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _simple(config: str, folded: str, start: int) -> tuple[dict[str, list[int]], int] | None:
    """Return ``{quoted lexeme: positions}`` from ``start`` on and the last position, for a
    text whose every word is one lexeme at one position (nearly all); None for another."""
    words = folded.split()
    quoted = _one_lexeme.get(config)
    if quoted is None or any(w not in quoted for w in words):
        _learn(config, words)
        quoted = _one_lexeme[config]
    found: dict[str, list[int]] = {}
    at = start
    for word in words:
        lexeme = quoted[word]
        if lexeme is None:
            return None
        at += 1
        kept = found.get(lexeme)
        if kept is None:
            found[lexeme] = [at]
        else:
            kept.append(at)
    return found, at


def _fast_text(title: str, body: str, names: str, marks: list[str]) -> str | None:
    """Return the vector's text when no PostgreSQL limit applies (no position over 16383,
    no lexeme at more than 255 positions); None otherwise."""
    parts = []
    last = 0
    for config, folded, weight in (
        ("dastan", title, "A"),
        ("dastan", body, "B"),
        ("simple", names, "C"),
    ):
        found = _simple(config, folded, last)
        if found is None:
            return None
        positions, last = found
        parts.append((positions, weight))
    most = sum(max(map(len, p.values()), default=0) for p, _ in parts)
    if last > MAX_POS or most > MAX_NUMPOS - 1:
        return None
    merged: dict[str, str] = {}
    for positions, weight in parts:
        joint = f"{weight},"
        for lexeme, at in positions.items():
            text = joint.join(map(str, at)) + weight
            before = merged.get(lexeme)
            merged[lexeme] = text if before is None else f"{before},{text}"
    out = [f"{lexeme}:{text}" for lexeme, text in merged.items()]
    out.extend(q for q in map(_quoted, marks) if q not in merged)
    return " ".join(out)


def vector_text(title: str, body: str, names: str, marks: Iterable[str] = ()) -> str:
    """Return the text of the tsvector of a row's folded title, body, name keys and marks."""
    marks = list(marks)
    fast = _fast_text(title, body, names, marks)
    if fast is not None:
        return fast
    vector: dict[str, list[tuple[int, str]]] = {
        lexeme: [(p, "A") for p in positions]
        for lexeme, positions in _positions("dastan", title).items()
    }
    _concat(vector, _positions("dastan", body), "B")
    _concat(vector, _positions("simple", names), "C")
    parts = [
        _quoted(lexeme) + ":" + ",".join(f"{p}{w}" for p, w in positions)
        for lexeme, positions in vector.items()
    ]
    parts.extend(_quoted(m) for m in marks if m not in vector)
    return " ".join(parts)
