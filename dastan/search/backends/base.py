"""The interface every search backend implements, and what it is given and returns.

A backend indexes *documents* (:class:`Document`, built from articles by
:mod:`dastan.search.documents`) and answers a parsed :class:`~dastan.search.query.Query`.
Only articles that are published or scheduled are in an index; the time test
(``published_at <= now``) is made at query time, so a scheduled article appears
at its time with no job running.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from dastan.search.query import Query

# Document keys put the language edition in the top bits, the publication time
# (seconds since 1970) in the middle and the article id in the low 28 bits.
# Within one edition, key order is publication order; an edition and a date
# range are then one key range, which FTS5 and a B-tree both scan cheaply.
ID_BITS = 28
TIME_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
TIME_MASK = (1 << TIME_BITS) - 1
LANGUAGE_CODES = {"en": 1, "ru": 2, "kk": 3, "uz": 4, "ky": 5, "tg": 6, "tk": 7}


def _seconds(moment: dt.datetime) -> int:
    return min(max(int(moment.timestamp()), 0), TIME_MASK)


def doc_key(published_at: dt.datetime, article_id: int, language: str = "") -> int:
    """Return the document key of an article: edition, then publication time, then id."""
    lang = LANGUAGE_CODES.get(language, 0)
    return (
        (lang << (TIME_BITS + ID_BITS))
        | (_seconds(published_at) << ID_BITS)
        | (article_id & ID_MASK)
    )


def key_article(key: int) -> int:
    """Return the article id inside a document key."""
    return key & ID_MASK


def key_seconds(key: int) -> int:
    """Return the publication time (seconds since 1970) inside a document key."""
    return (key >> ID_BITS) & TIME_MASK


def key_ranges(
    *, language: str | None, start: dt.datetime | None, end: dt.datetime
) -> list[tuple[int, int]]:
    """Return the inclusive key ranges of one edition (or each) published in ``[start, end]``."""
    if language:
        codes = [LANGUAGE_CODES.get(language, 0)]
    else:
        # Every edition the site has, plus code 0 for any language not in the table.
        codes = sorted({LANGUAGE_CODES.get(code, 0) for code, _ in settings.LANGUAGES} | {0})
    low = _seconds(start) if start else 0
    high = _seconds(end)
    if high < low:
        return []
    return [
        (
            (code << (TIME_BITS + ID_BITS)) | (low << ID_BITS),
            (code << (TIME_BITS + ID_BITS)) | (high << ID_BITS) | ID_MASK,
        )
        for code in codes
    ]


@dataclass(frozen=True)
class Document:
    """One article as the index sees it: its HTML and text plus the ids it can be filtered by."""

    article_id: int
    published_at: dt.datetime
    language: str
    title: str
    body: str
    standfirst: str = ""
    section_id: int | None = None
    section_ids: tuple[int, ...] = ()
    tag_ids: tuple[int, ...] = ()
    place_ids: tuple[int, ...] = ()
    author_ids: tuple[int, ...] = ()

    @property
    def key(self) -> int:
        return doc_key(self.published_at, self.article_id, self.language)

    @property
    def fingerprint(self) -> int:
        """Return a 64-bit hash of everything the index is built from (signed, fits a bigint).

        Stored beside each indexed row, it lets ``dastan search check`` find rows
        whose key is right but whose text or filters drifted (a bulk ``update()``
        of a title, a tag's articles cleared) by hashing, without re-indexing.
        """
        digest = hashlib.blake2b(digest_size=8)
        tokens = " ".join(sorted(self.filter_tokens()))
        parts = (self.key, self.language, self.section_id, tokens, self.title, self.standfirst)
        for part in (*parts, self.body):
            digest.update(str(part).encode("utf-8", "surrogatepass") + b"\x00")
        return int.from_bytes(digest.digest(), "big", signed=True)

    def filter_tokens(self) -> list[str]:
        """Return the tokens filters match: ``s12``, ``t5``, ``p3``, ``a7``."""
        tokens = [f"s{i}" for i in dict.fromkeys((self.section_id, *self.section_ids)) if i]
        tokens += [f"t{i}" for i in self.tag_ids]
        tokens += [f"p{i}" for i in self.place_ids]
        tokens += [f"a{i}" for i in self.author_ids]
        return tokens


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; ``None`` means no narrowing."""

    language: str | None = None
    section: int | None = None
    tag: int | None = None
    place: int | None = None
    author: int | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def tokens(self) -> list[str]:
        """Return the filter tokens every result must carry (language is a key range)."""
        found = []
        for prefix, value in (
            ("s", self.section),
            ("t", self.tag),
            ("p", self.place),
            ("a", self.author),
        ):
            if value is not None:
                found.append(f"{prefix}{value}")
        return found


@dataclass
class Results:
    """One page of results: article ids in order, the total and the per-section counts.

    ``exact`` is false when ``total`` is an estimate ("about N"): counting every
    match of a word found in most of the archive costs more than the page may.
    """

    ids: list[int]
    total: int
    exact: bool = True
    sections: list[tuple[int, int]] = field(default_factory=list)
    # False when the section counts were scaled up from a window ("~N").
    sections_exact: bool = True


@dataclass
class CheckReport:
    """What ``dastan search check`` found: ids missing from, stale in, or extra in the index."""

    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


class SearchBackend(Protocol):
    """What views, signals and commands may call; they never name a backend."""

    def install(self) -> None:
        """Create the index tables if they do not exist."""

    def index(self, documents: Iterable[Document], *, remove: Iterable[int] = ()) -> None:
        """Add or replace ``documents``; drop the articles in ``remove``."""

    def remove(self, article_ids: Iterable[int]) -> None:
        """Drop articles from the index."""

    def search(
        self,
        query: Query,
        *,
        filters: Filters,
        now: dt.datetime,
        order: str = "relevance",
        offset: int = 0,
        limit: int = 6,
        facets: bool = True,
    ) -> Results:
        """Return one page of public matches, best (or newest, ``order="date"``) first."""

    def count(self, query: Query, *, filters: Filters, now: dt.datetime) -> tuple[int, bool]:
        """Return the number of public matches and whether it is exact."""

    def rebuild(
        self,
        documents: Iterable[list[Document]],
        *,
        progress: Callable[[int], None],
        prepared: Iterable[list[tuple]] | None = None,
    ) -> int:
        """Replace the whole index with ``documents`` (batches); return how many were indexed.

        ``prepared`` gives rows already made by the backend module's ``prepare()``
        (in worker processes) instead of ``documents``.
        """

    def indexed(self) -> dict[int, tuple[int, int]]:
        """Return ``{article_id: (document key, fingerprint)}`` for everything in the index."""

    def bulk_load(self) -> AbstractContextManager[None]:
        """Let the index take a bulk load's many writes faster while the block runs.

        Outside any transaction; the index is as searchable during and after the
        block as without it (engines: :class:`RankedSearch`'s no-op, PostgreSQL's GIN).
        """


def recency_at(now: dt.datetime) -> Callable[[int], float]:
    """Return the recency multiplier of a key at ``now``: 1 + RECENCY_BOOST, halving every
    RECENCY_DAYS of age (the settings read once: it runs per candidate)."""
    from dastan.search.conf import search_setting

    boost, half_life = search_setting("RECENCY_BOOST"), search_setting("RECENCY_DAYS")
    moment = now.timestamp()

    def weigh(key: int) -> float:
        age_days = max(0.0, (moment - key_seconds(key)) / 86400)
        return 1.0 + boost * 0.5 ** (age_days / half_life)

    return weigh


def about(n: float) -> int:
    """Return ``n`` rounded to two significant figures (an estimate must not look exact)."""
    if n < 100:
        return round(n)
    return int(round(n, -(int(math.log10(n)) - 1)))


class RankedSearch:
    """The paging flow both engines share; each supplies the engine-specific steps.

    An engine defines ``connection``, ``_compile(query, filters)`` (None when nothing
    can match), ``_ranges(filters, now)``, ``_newest_keys``, ``_ranked`` (the ranked
    window, whether it holds every match, and its oldest key), ``_count`` and ``_facets``
    (the section counts and whether they are exact).
    """

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Nothing to change by default: the engine's live writes are its bulk writes."""
        yield

    def search(
        self,
        query: Query,
        *,
        filters: Filters,
        now: dt.datetime,
        order: str = "relevance",
        offset: int = 0,
        limit: int = 6,
        facets: bool = True,
    ) -> Results:
        """Return one page of public matches, best (or newest, ``order="date"``) first."""
        compiled = self._compile(query, filters)
        ranges = self._ranges(filters, now)
        if compiled is None or not ranges:
            return Results(ids=[], total=0)
        with self.connection.cursor() as cursor:
            if order == "date":
                keys = self._newest_keys(cursor, compiled, ranges, limit, offset)
                total, exact = self._count(cursor, compiled, ranges)
            else:
                ranked, complete, oldest = self._ranked(
                    cursor, query, filters, compiled, ranges, now
                )
                if complete:
                    total, exact = len(ranked), True
                else:
                    total, exact = self._count(cursor, compiled, ranges)
                keys = ranked[offset : offset + limit]
                if len(keys) < limit and not complete and oldest is not None:
                    # Past the ranked window the results go on newest first.
                    seen = set(ranked)
                    rest = self._newest_keys(
                        cursor, compiled, ranges, offset + limit * 2 + len(ranked)
                    )
                    tail = [
                        k for k in rest if k not in seen and key_seconds(k) <= key_seconds(oldest)
                    ]
                    keys += tail[max(0, offset - len(ranked)) :][: limit - len(keys)]
            sections, sections_exact = (
                self._facets(cursor, query, filters, ranges, total) if facets else ([], True)
            )
        return Results(
            ids=[key_article(k) for k in keys],
            total=total,
            exact=exact,
            sections=sections,
            sections_exact=sections_exact,
        )
