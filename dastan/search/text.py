# ruff: noqa: RUF001, RUF002, RUF003 - Cyrillic and Uzbek letters are the point here
"""Turn article text and query words into index terms, the same way on both sides.

Every word goes through :func:`term`: lower case, Latin diacritics folded
(``é`` -> ``e``), ``ё`` -> ``е``, look-alike letters of the other script folded
into the word's main script, the English possessive dropped, then a Snowball
stemmer chosen by the word's script (Russian for Cyrillic, English for Latin).
Capitalised words also get a name key from :func:`name_key`, a Latin
"skeleton" that is the same for ``Tokayev`` and ``Токаев`` (see docs/search.md).
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections import deque
from functools import lru_cache

import Stemmer

from dastan.rendering.excerpts import clip_text

# A word is a run of letters and digits; apostrophes join inside a word
# (Kazakhstan's, oʻzbek, gʻalla). Underscore is punctuation here.
WORD_RE = re.compile(r"[^\W_]+(?:['’‘ʼʻ`][^\W_]+)*")
APOSTROPHES = "'’‘ʼʻ`"
MAX_WORD = 60
MAX_GAP = 12

_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
_SHORTCODE_RE = re.compile(r"\[/?[a-zA-Z_][\w-]*(?:\s[^\]]*)?\]")

# Latin letters with no decomposition of their own.
_LATIN_EXTRA = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "th"}
# Letters that look the same in both scripts (lower case).
_CYR_TO_LAT = dict(zip("аеорсхуікмтнвз", "aeopcxyikmthbz", strict=True))
_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items()}

# Name transliteration, Cyrillic (Russian, Kazakh, Kyrgyz, Uzbek) -> Latin.
_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ә": "a",
    "ғ": "g",
    "қ": "k",
    "ң": "ng",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
    "і": "i",
    # Uzbek ў is written oʻ in Uzbek Latin (Ўзбекистон, Oʻzbekiston).
    "ў": "o",
    "ҳ": "h",
    "җ": "j",
}
_SKELETON_RULES = (
    (re.compile(r"kh"), "h"),
    # Kazakh ғ: Qaraghandy, Qarağandy, Karaganda.
    (re.compile(r"gh"), "g"),
    (re.compile(r"d?zh|dj"), "j"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    # y before a vowel at the start or after a vowel is the Cyrillic е/я/ё/ю glide.
    (re.compile(r"(?:(?<=^)|(?<=[aeiou]))y(?=[aeiou])"), ""),
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
    # Kazakh ң is ng or n in Latin (Жаңаөзен, Zhanaozen; Теңіз, Tengiz); after the
    # doubled letters, so that ңғ (Шыңғыс) meets ng (Shyngys).
    (re.compile(r"ng(?=[aeiou])"), "n"),
)
# Case endings (Russian -а -у -ым -ом -е -ах, English -y), stripped on both sides.
_NAME_ENDING = re.compile(r"(?<=...)(?:ami|ah|ih|im|om|oi|ei|[aeiou])$")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Return the str.translate table: Latin diacritics off, ё -> е, apostrophes kept."""
    table: dict[int, str] = {ord("ё"): "е", ord("Ё"): "Е"}
    for cp in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
        if base and base.isalpha() and base != ch:
            table[cp] = base
    for k, v in _LATIN_EXTRA.items():
        table[ord(k)] = v
    return table


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def fold(text: str) -> str:
    """Return ``text`` lower-cased with Latin diacritics and ``ё`` folded."""
    return text.lower().translate(_fold_table())


def _unmix(word: str) -> str:
    """Fold look-alike letters of the minority script into the word's main script."""
    cyr = sum(1 for c in word if _is_cyrillic(c))
    lat = sum(1 for c in word if _is_latin(c))
    if not cyr or not lat:
        return word
    table = _LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT
    return "".join(table.get(c, c) for c in word)


def _clean(word: str) -> str:
    """Return a lower-cased word folded, unmixed and without possessive or apostrophes."""
    word = fold(word[:MAX_WORD])
    if len(word) > 2 and word[-2] in APOSTROPHES and word[-1] == "s":
        word = word[:-2]
    word = "".join(c for c in word if c not in APOSTROPHES)
    return _unmix(word)


def fold_word(word: str) -> str:
    """Return one word folded but not stemmed (PostgreSQL stems it with its own Snowball)."""
    return _clean(word)


def _clean_name(word: str) -> str:
    """Return a name lower-cased and unmixed, keeping ``ё`` (it transliterates to ``yo``)."""
    word = (
        word[:MAX_WORD].lower().replace("ё", "\x00").translate(_fold_table()).replace("\x00", "ё")
    )
    if len(word) > 2 and word[-2] in APOSTROPHES and word[-1] == "s":
        word = word[:-2]
    return _unmix("".join(c for c in word if c not in APOSTROPHES))


def _stem(word: str) -> str:
    if any(_is_cyrillic(c) for c in word):
        return _stemmer("russian").stemWord(word)
    if word.isascii() and word.isalpha():
        return _stemmer("english").stemWord(word)
    return word


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """Return a word's index term (``Kazakhstan's`` -> ``kazakhstan``, ``судом`` -> ``суд``)."""
    return _stem(_clean(word))


def transliterate(word: str) -> str:
    """Return a lower-case Cyrillic word in Latin letters (``жамбыл`` -> ``zhambyl``)."""
    return "".join(_TRANSLIT.get(c, c) for c in word)


@lru_cache(maxsize=100_000)
def name_key(word: str) -> str:
    """Return the cross-script key of a name: ``Tokayev``, ``Токаева`` -> ``tokaev``.

    Cyrillic words are transliterated; both scripts then lose the spelling
    differences transliteration systems disagree on (kh/h, zh/j, glide y, y/i,
    doubled letters) and their case endings. The Snowball stemmer is not used
    here: it cuts names too short (Токаев -> ток).
    """
    latin = transliterate(_clean_name(word))
    if not latin.isascii() or not latin.isalnum():
        return ""
    for pattern, repl in _SKELETON_RULES:
        latin = pattern.sub(repl, latin)
    previous = ""
    while previous != latin:
        previous = latin
        latin = _NAME_ENDING.sub("", latin)
    return latin


def html_to_text(markup: str) -> str:
    """Return the readable text of article HTML (tags and shortcodes removed)."""
    text = _TAG_RE.sub(" ", markup or "")
    text = _SHORTCODE_RE.sub(" ", text)
    return html.unescape(text)


def words(text: str) -> list[str]:
    """Return the words of ``text`` as written."""
    return WORD_RE.findall(text)


class _Memo(dict):
    """A dict that computes missing entries: the fastest cache for a per-word map."""

    def __init__(self, compute) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: str) -> str:
        value = self[key] = self.compute(key)
        return value


# Vocabulary is Zipf-shaped, so a cache of seen words makes indexing several
# times faster; it is emptied when it grows past this size.
MEMO_LIMIT = 500_000
_TERMS = _Memo(term.__wrapped__)
_NAMES = _Memo(lambda w: name_key(w) if w[:1].isupper() else "")


def terms(text: str) -> list[str]:
    """Return the index terms of ``text`` in order (positions matter for phrases)."""
    if len(_TERMS) > MEMO_LIMIT:
        _TERMS.clear()
    return [t for t in map(_TERMS.__getitem__, WORD_RE.findall(text)) if t]


def name_keys(text: str) -> list[str]:
    """Return the name keys of the capitalised words of ``text``."""
    if len(_NAMES) > MEMO_LIMIT:
        _NAMES.clear()
    return [k for k in map(_NAMES.__getitem__, WORD_RE.findall(text)) if k]


def _chunk_terms(chunk: str) -> str:
    return " ".join(filter(None, map(term, WORD_RE.findall(chunk))))


def _chunk_names(chunk: str) -> str:
    return " ".join(filter(None, (name_key(w) for w in WORD_RE.findall(chunk) if w[0].isupper())))


# Whitespace-separated chunks ("Kazakhstan's,") repeat as much as words do, and
# str.split() is several times faster than the word regex over a whole article.
_CHUNK_TERMS = _Memo(_chunk_terms)
_CHUNK_NAMES = _Memo(_chunk_names)


def _chunk_folded(chunk: str) -> str:
    return " ".join(filter(None, map(_clean, WORD_RE.findall(chunk))))


_CHUNK_FOLDED = _Memo(_chunk_folded)


def fold_text(text: str) -> str:
    """Return ``text`` as space-separated folded, unstemmed words (for PostgreSQL to stem)."""
    if len(_CHUNK_FOLDED) > MEMO_LIMIT:
        _CHUNK_FOLDED.clear()
    chunks = unicodedata.normalize("NFC", text).split()
    return " ".join(filter(None, map(_CHUNK_FOLDED.__getitem__, chunks)))


def distinct_name_keys(text: str) -> list[str]:
    """Return the name keys of ``text``'s capitalised words, each once, in order of appearance.

    Same keys as :func:`name_keys`, memoised by whitespace chunk like
    :func:`analyse` (a third of the cost of the word regex over the text).
    """
    if len(_CHUNK_NAMES) > MEMO_LIMIT:
        _CHUNK_NAMES.clear()
    chunks = unicodedata.normalize("NFC", text).split()
    return list(dict.fromkeys(" ".join(map(_CHUNK_NAMES.__getitem__, chunks)).split()))


def analyse(text: str) -> tuple[str, str]:
    """Return ``text`` as space-separated terms and as space-separated name keys (one pass)."""
    if len(_CHUNK_TERMS) > MEMO_LIMIT:
        _CHUNK_TERMS.clear()
        _CHUNK_NAMES.clear()
    # Pasted text may be decomposed (и + combining breve for й): compose it first.
    chunks = unicodedata.normalize("NFC", text).split()
    return (
        " ".join(filter(None, map(_CHUNK_TERMS.__getitem__, chunks))),
        " ".join(filter(None, map(_CHUNK_NAMES.__getitem__, chunks))),
    )


def _is_hit(word: str, wanted: set[str], wanted_names: set[str]) -> bool:
    if _TERMS[word] in wanted:
        return True
    return bool(wanted_names) and _NAMES[word] in wanted_names


def highlight(
    text: str, wanted: set[str], wanted_names: set[str] = frozenset(), *, size: int = 36
) -> str:
    """Return an HTML-safe excerpt of ``text`` around the first match, matches in ``<mark>``.

    Words are read lazily: the scan stops once the window after the first match is full.
    """
    lead = size // 4
    before: deque = deque(maxlen=lead)
    window: list = []
    first_index = None
    more = False
    for i, m in enumerate(WORD_RE.finditer(text)):
        if first_index is None:
            if _is_hit(m.group(), wanted, wanted_names):
                first_index = i
                window = [*before, m]
            else:
                before.append(m)
                if i >= 4000:
                    break
            continue
        if len(window) >= size:
            more = True
            break
        window.append(m)
    if first_index is None:
        # No match (a name in the title, say): show the opening words.
        window = list(itertools.islice(WORD_RE.finditer(text), size + 1))
        more = len(window) > size
        window = window[:size]
    if not window:
        return ""
    out, pos = [], window[0].start()
    for m in window:
        # A 50 MB "word" or run of punctuation must not become a 50 MB snippet.
        out.append(html.escape(clip_text(text[pos : m.start()], MAX_GAP, more="…")))
        w = m.group()
        shown = html.escape(clip_text(w, MAX_WORD, more="…"))
        out.append(f"<mark>{shown}</mark>" if _is_hit(w, wanted, wanted_names) else shown)
        pos = m.end()
    body = " ".join("".join(out).split())
    prefix = "… " if first_index is not None and first_index > lead else ""
    return f"{prefix}{body}{' …' if more else ''}"
