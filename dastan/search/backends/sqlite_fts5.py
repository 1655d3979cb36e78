"""The embedded default: SQLite FTS5 in the site's own database, no server.

Text is turned into terms in Python (:mod:`dastan.search.text`: folding,
Snowball stemming by script, name keys) and stored in a contentless FTS5 table
whose rowid is the document key (edition, publication time, article id), so an
edition's "newest first" is the index's own order and an edition plus a date
range is one rowid range. ``search_entry`` keeps each article's key, section and
indexed terms: a contentless table needs them to delete a row, and ranking
reads them.

Ranking does not use FTS5's ``bm25()``: it computes each term's document
frequency by walking the term's whole posting list on every query, ~50 ms for
a word found in most of a million articles. Instead the newest
``RANK_WINDOW`` matches and the newest ``RANK_WINDOW // 2`` title matches are
scored in Python with BM25 (title above body, names count too, document
frequencies from bounded counts) times a recency boost. Results past the
ranked window follow newest first. Counting is exact up to ``EXACT_COUNT``
matches and an estimate ("about N") beyond. docs/search.md has the figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import math
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction

from dastan.search import text
from dastan.search.backends.base import (
    Document,
    Filters,
    RankedSearch,
    Results,
    about,
    key_ranges,
    key_seconds,
    recency_at,
)
from dastan.search.conf import search_setting
from dastan.search.pretext import text_analysed
from dastan.search.query import AnyOf, Phrase, Query, Term

FTS = "search_fts"
ENTRY = "search_entry"
# Titles and filter tokens alone: the title pass reads only title occurrences
# (in FTS, a column filter still walks the word's whole posting list, and two
# common words that rarely share a title walked both: 30 ms at 100,000 articles).
TITLE = "search_title"
# BM25 weights of the title, body and name-key columns.
WEIGHTS = {"title": 3.0, "body": 1.0, "names": 0.8}
K1, B = 1.2, 0.75
# FTS5 buffers new terms in memory and writes a segment when the buffer passes
# ``hashsize`` bytes or the transaction ends. A rebuild buffers more and commits
# less often; the live index keeps a modest buffer (bulk imports write in one
# transaction, and the buffer is the importer's memory).
# A rebuild merges nothing until its one 'optimize' (FTS5 would otherwise merge
# every 16 segments of a level, and the data would be merged twice). Two tables each
# buffer this much: 32 MB took 40 MB off the rebuild's peak (310 MB at 100,000 articles
# with 64 MB) for the same CPU time.
BUILD_MERGING = {"automerge": 0, "crisismerge": 1000, "hashsize": 32 * 1024 * 1024}
LIVE_MERGING = {"automerge": 4, "crisismerge": 16, "hashsize": 8 * 1024 * 1024}
# A bulk load (``bulk_load``) merges 16 segments of a level at a time.
LOAD_MERGING = {"automerge": 16, "crisismerge": 64, "hashsize": 8 * 1024 * 1024}
BUILD_TRANSACTION = 20_000


def _create_sql(fts: str, entry: str, title: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        "title, body, names, meta, content='', tokenize='ascii', detail=full, columnsize=0)",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {title} USING fts5("
        "title, meta, content='', tokenize='ascii', detail=full, columnsize=0)",
        f"CREATE TABLE IF NOT EXISTS {entry} ("
        "doc INTEGER PRIMARY KEY, article_id INTEGER NOT NULL UNIQUE, section_id INTEGER, "
        "title TEXT NOT NULL, body BLOB NOT NULL, names TEXT NOT NULL, meta TEXT NOT NULL, "
        "fingerprint INTEGER)",
    ]


def prepare_text(title: str, standfirst: str, body: str) -> tuple:
    """Return the analysed text of one article: title terms, body terms, names, stored body.

    Pure, and the costly part of :func:`prepare`: worker processes and bulk
    loaders' reading processes run it (:mod:`dastan.search.pretext`).
    """
    title_terms, title_names = text.analyse(title)
    body_terms, body_names = text.analyse(f"{standfirst}\n{text.html_to_text(body)}")
    # Whether a name occurs matters, not how often: one key each keeps the index small.
    names = " ".join(dict.fromkeys(f"{title_names} {body_names}".split()))
    # The body's terms are stored as they are: unpacking zlib-compressed terms
    # (as stored before #15) took 4.5 ms of a search's ~6 ms of scoring.
    return title_terms, body_terms, names, body_terms


def _stored_terms(body: str | bytes) -> str:
    """Return a row's stored body terms (zlib-compressed bytes in indexes built before #15)."""
    return zlib.decompress(body).decode() if isinstance(body, bytes) else body


def prepare(doc: Document) -> tuple:
    """Return the row of one document (pure: runs in worker processes too)."""
    title, body, names, packed = text_analysed(doc.title, doc.standfirst, doc.body, prepare_text)
    meta = " ".join(doc.filter_tokens())
    return (
        doc.key,
        doc.article_id,
        doc.section_id,
        title,
        body,
        names,
        meta,
        packed,
        doc.fingerprint,
    )


@contextlib.contextmanager
def _index_pages_freed_fast(cursor) -> Iterator[None]:
    """Free pages without zeroing them while the block runs (``secure_delete = FAST``).

    Debian's SQLite zeroes every freed page. A rebuild frees the merged-away
    segments and then the whole old index, pages that held the terms of
    articles that were public: zeroing them cost 37 s of a 1,000,000-article
    rebuild.
    Content rows keep the connection's own setting.
    """
    cursor.execute("PRAGMA secure_delete")
    before = cursor.fetchone()[0]
    cursor.execute("PRAGMA secure_delete = FAST")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA secure_delete = {int(before)}")


def new_database_auto_vacuum(sender, connection, **kwargs) -> None:
    """Make a new SQLite database with ``auto_vacuum = INCREMENTAL`` (see ``_pages_return``).

    The mode can be set only before the first table. Setting it on every
    connection (in the settings' ``init_command``) took a write lock, and a
    reader opened during a write waited for it and failed.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master")
        if cursor.fetchone()[0] == 0 and not connection.in_atomic_block:
            cursor.execute("PRAGMA auto_vacuum = INCREMENTAL")
            # The settings' journal_mode=WAL has written the header already:
            # the mode takes effect with a VACUUM, instant on an empty database.
            cursor.execute("VACUUM")


def _pages_return(cursor) -> None:
    """Give the old index's pages back to the file system, where the database allows it.

    The new index is built beside the old one, so after the swap the old one's
    pages are free: a third of the file at 100,000 articles. In a database made
    with ``auto_vacuum = INCREMENTAL`` (every new one: ``new_database_auto_vacuum``)
    ``incremental_vacuum`` moves pages down and truncates the file; an older
    database keeps the free pages for later writes until a ``VACUUM``. Run
    outside a transaction only (it commits).
    """
    cursor.execute("PRAGMA auto_vacuum")
    if cursor.fetchone()[0] == 2:
        # Each step of the statement frees one page, and Python's execute() steps
        # it once: executescript() runs it to the end.
        cursor.cursor.executescript("PRAGMA incremental_vacuum")


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term(word: str) -> str | None:
    main = text.term(word)
    if not main:
        return None
    key = text.name_key(word)
    if key:
        return f"({{title body}} : {_quote(main)} OR names : {_quote(key)})"
    return f"{{title body}} : {_quote(main)}"


def _phrase(words: tuple[str, ...]) -> str | None:
    terms = [t for t in (text.term(w) for w in words) if t]
    return f"{{title body}} : {_quote(' '.join(terms))}" if terms else None


def _node(node) -> str | None:
    if isinstance(node, Term):
        return _term(node.word)
    if isinstance(node, Phrase):
        return _phrase(node.words)
    if isinstance(node, AnyOf):
        parts = [p for p in (_node(o) for o in node.options) if p]
        return "(" + " OR ".join(parts) + ")" if parts else None
    raise TypeError(node)


def compile_query(query: Query, filters: Filters) -> str | None:
    """Return the FTS5 MATCH expression for ``query``; ``None`` when nothing can match."""
    include = [p for p in (_node(n) for n in query.include) if p]
    if not include:
        return None
    include += [f"meta : {_quote(t)}" for t in filters.tokens()]
    expr = "(" + " AND ".join(include) + ")"
    for node in query.exclude:
        part = _node(node)
        if part:
            expr += f" NOT {part}"
    return expr


def _units(nodes) -> list[tuple[str, str, str]]:
    """Return what scoring counts: ``(fts expression, text term, name key)`` per word or phrase."""
    units = []
    for node in nodes:
        for option in node.options if isinstance(node, AnyOf) else (node,):
            if isinstance(option, Phrase):
                found = " ".join(t for t in (text.term(w) for w in option.words) if t)
                if found:
                    units.append((f"{{title body}} : {_quote(found)}", found, ""))
            else:
                expr = _term(option.word)
                if expr:
                    units.append((expr, text.term(option.word), text.name_key(option.word)))
    return units


def _title_only(query: Query, filters: Filters) -> str | None:
    """Return a MATCH expression for articles with every item in the title."""
    parts = []
    for node in query.include:
        options = node.options if isinstance(node, AnyOf) else (node,)
        found = []
        for option in options:
            words = option.words if isinstance(option, Phrase) else (option.word,)
            terms = [t for t in (text.term(w) for w in words) if t]
            if terms:
                found.append(f"title : {_quote(' '.join(terms))}")
        if found:
            parts.append("(" + " OR ".join(found) + ")")
    if not parts:
        return None
    parts += [f"meta : {_quote(t)}" for t in filters.tokens()]
    return "(" + " AND ".join(parts) + ")"


def _excluded_needles(query: Query) -> list[tuple[str, str]]:
    """Return ``(" term ", " name key ")`` per excluded word or phrase, as its FTS part matches.

    A word is excluded by its term in the title or body or by its name key in
    the names (see :func:`_term`); a phrase by its terms side by side.
    """
    return [(f" {term} ", f" {name} " if name else "") for _, term, name in _units(query.exclude)]


def _saturate(tf: int, length: int, avg: float) -> float:
    if not tf:
        return 0.0
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))


class SearchBackend(RankedSearch):
    """FTS5 search in the default database."""

    vendor = "sqlite"

    def __init__(self, using=None) -> None:
        self.connection = using or connection
        # ``{(expression, low, high): (keys, limit read)}`` while a search runs.
        self._walks: dict | None = None

    # -- writing ---------------------------------------------------------------------------

    def install(self) -> None:
        """Create the FTS5 table and the entry table if they do not exist."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [TITLE])
            titles_missing = cursor.fetchone() is None
            for sql in _create_sql(FTS, ENTRY, TITLE):
                cursor.execute(sql)
            cursor.execute(f"SELECT name FROM pragma_table_info('{ENTRY}')")
            if "fingerprint" not in {row[0] for row in cursor.fetchall()}:
                # An index built before fingerprints: ``search check`` finds every
                # row stale until ``--repair`` or ``rebuild`` fills them in.
                cursor.execute(f"ALTER TABLE {ENTRY} ADD COLUMN fingerprint INTEGER")
            if titles_missing:
                # An index built before the title table: its rows hold the title
                # terms and filter tokens already (about a second per 100,000).
                cursor.execute(
                    f"INSERT INTO {TITLE}(rowid, title, meta) "
                    f"SELECT doc, title, meta FROM {ENTRY} ORDER BY doc"
                )
                cursor.execute(f"INSERT INTO {TITLE}({TITLE}) VALUES ('optimize')")
            self._configure(cursor, FTS, **LIVE_MERGING)
            self._configure(cursor, TITLE, **LIVE_MERGING)

    @staticmethod
    def _configure(cursor, fts: str, *, automerge: int, crisismerge: int, hashsize: int) -> None:
        for option, value in (
            ("automerge", automerge),
            ("crisismerge", crisismerge),
            ("hashsize", hashsize),
        ):
            cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES (%s, %s)", [option, value])

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Merge the index's segments less often while a bulk load writes (``LOAD_MERGING``).

        Each batch of a load ends in a savepoint, and FTS5 writes its pending
        terms to a new segment at every one; with the live ``automerge`` of 4
        each term was merged again every few batches.
        """
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s)", [FTS, TITLE]
            )
            if cursor.fetchone()[0] < 2:
                yield
                return
            for fts in (FTS, TITLE):
                self._configure(cursor, fts, **LOAD_MERGING)
        try:
            yield
        finally:
            with self.connection.cursor() as cursor:
                for fts in (FTS, TITLE):
                    self._configure(cursor, fts, **LIVE_MERGING)

    def uninstall(self) -> None:
        """Drop the index tables."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
            cursor.execute(f"DROP TABLE IF EXISTS {ENTRY}")
            cursor.execute(f"DROP TABLE IF EXISTS {TITLE}")

    def _delete(self, cursor, article_ids: list[int]) -> None:
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT article_id, doc, title, body, names, meta FROM {ENTRY} "
                f"WHERE article_id IN ({marks})",
                chunk,
            )
            rows = cursor.fetchall()
            if not rows:
                continue
            cursor.executemany(
                f"INSERT INTO {FTS}({FTS}, rowid, title, body, names, meta) "
                "VALUES ('delete', %s, %s, %s, %s, %s)",
                [(d, t, _stored_terms(b), n, m) for _, d, t, b, n, m in rows],
            )
            cursor.executemany(
                f"INSERT INTO {TITLE}({TITLE}, rowid, title, meta) VALUES ('delete', %s, %s, %s)",
                [(d, t, m) for _, d, t, _, _, m in rows],
            )
            cursor.executemany(
                f"DELETE FROM {ENTRY} WHERE article_id = %s", [(row[0],) for row in rows]
            )

    def _insert(
        self, cursor, rows: list[tuple], *, fts: str = FTS, entry: str = ENTRY, title: str = TITLE
    ) -> None:
        # FTS5 flushes its pending terms to a new segment whenever a rowid is
        # lower than the one before: in key order a batch is one flush, in id
        # order nearly one per row (half the build rate, measured).
        rows = sorted(rows, key=lambda r: r[0])
        cursor.executemany(
            f"INSERT INTO {fts}(rowid, title, body, names, meta) VALUES (%s, %s, %s, %s, %s)",
            [(r[0], r[3], r[4], r[5], r[6]) for r in rows],
        )
        cursor.executemany(
            f"INSERT INTO {title}(rowid, title, meta) VALUES (%s, %s, %s)",
            [(r[0], r[3], r[6]) for r in rows],
        )
        cursor.executemany(
            f"INSERT INTO {entry}(doc, article_id, section_id, title, body, names, meta, "
            "fingerprint) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(r[0], r[1], r[2], r[3], r[7], r[5], r[6], r[8]) for r in rows],
        )

    def index(self, documents: Iterable[Document], *, remove: Iterable[int] = ()) -> None:
        """Replace ``documents`` and drop ``remove``, inside the caller's transaction."""
        rows = [prepare(d) for d in documents]
        gone = [*[r[1] for r in rows], *remove]
        if not gone:
            return
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            self._delete(cursor, gone)
            if rows:
                self._insert(cursor, rows)

    def remove(self, article_ids: Iterable[int]) -> None:
        """Drop articles from the index."""
        self.index((), remove=list(article_ids))

    def rebuild(
        self,
        batches: Iterable[list[Document]],
        *,
        progress: Callable[[int], None] = lambda n: None,
        prepared: Iterable[list[tuple]] | None = None,
    ) -> int:
        """Build a fresh index beside the live one, then swap it in one transaction.

        Readers keep the old index until the swap. ``prepared`` replaces
        ``batches`` with rows already made by :func:`prepare` (in worker
        processes, say), so that this process only writes.
        """
        build_fts, build_entry, build_title = f"{FTS}_build", f"{ENTRY}_build", f"{TITLE}_build"
        if prepared is None:
            prepared = ([prepare(d) for d in batch] for batch in batches)
        total = 0
        with self.connection.cursor() as cursor, _index_pages_freed_fast(cursor):
            for table in (build_fts, build_entry, build_title):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            for sql in _create_sql(build_fts, build_entry, build_title):
                cursor.execute(sql)
            # No merging while loading: one 'optimize' at the end is cheaper. A
            # large pending-terms buffer and large transactions write a few big
            # segments instead of hundreds of small ones (twice the rate, measured).
            self._configure(cursor, build_fts, **BUILD_MERGING)
            self._configure(cursor, build_title, **BUILD_MERGING)
            batches_left = iter(prepared)
            more = True
            while more:
                more = False
                with transaction.atomic(using=self.connection.alias):
                    written = 0
                    for rows in batches_left:
                        self._insert(
                            cursor, rows, fts=build_fts, entry=build_entry, title=build_title
                        )
                        written += len(rows)
                        progress(len(rows))
                        if written >= BUILD_TRANSACTION:
                            more = True
                            break
                    total += written
            # One segment answers queries fastest; merging takes seconds per 100,000.
            for fts in (build_fts, build_title):
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
                self._configure(cursor, fts, **LIVE_MERGING)
            with transaction.atomic(using=self.connection.alias):
                for live, built in ((FTS, build_fts), (ENTRY, build_entry), (TITLE, build_title)):
                    cursor.execute(f"DROP TABLE IF EXISTS {live}")
                    cursor.execute(f"ALTER TABLE {built} RENAME TO {live}")
            if not self.connection.in_atomic_block:
                _pages_return(cursor)
        return total

    # -- reading ---------------------------------------------------------------------------

    def indexed(self) -> dict[int, tuple[int, int]]:
        """Return ``{article_id: (document key, fingerprint)}`` for the whole index."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT article_id, doc, fingerprint FROM {ENTRY}")
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}

    def _ranges(self, filters: Filters, now: dt.datetime) -> list[tuple[int, int]]:
        """Return the key ranges to search, leaving out editions with nothing indexed.

        FTS5 reaches a range below every indexed key only by walking the whole
        posting lists down to it (~30 ms at a million articles), so an empty
        edition must not be asked at all.
        """
        end = min(now, filters.end) if filters.end else now
        ranges = key_ranges(language=filters.language, start=filters.start, end=end)
        if len(ranges) < 2:
            return ranges
        kept = []
        with self.connection.cursor() as cursor:
            for low, high in ranges:
                cursor.execute(
                    f"SELECT 1 FROM {ENTRY} WHERE doc BETWEEN %s AND %s LIMIT 1", [low, high]
                )
                if cursor.fetchone():
                    kept.append((low, high))
        return kept

    def _compile(self, query: Query, filters: Filters) -> str | None:
        return compile_query(query, filters)

    def search(self, query: Query, **options) -> Results:
        """Return one page of public matches, best (or newest, ``order="date"``) first.

        Each expression's newest matches are read once per search, as far as
        the count's bound: that one walk serves the ranked window, the results
        past it, the count and the section counts (each used to walk again).
        """
        self._walks = {}
        try:
            return super().search(query, **options)
        finally:
            self._walks = None

    def _walk(self, cursor, expr: str, low: int, high: int, limit: int, table: str = FTS):
        """Return up to ``limit`` keys of the newest matches in one key range, newest first."""
        if self._walks is None or table != FTS:
            return self._read(cursor, expr, low, high, limit, table)
        keys, asked = self._walks.get((expr, low, high), ((), 0))
        if len(keys) < limit and len(keys) == asked:
            # Not read yet, or read to a limit below this one: read as far as a count goes.
            asked = max(limit, search_setting("EXACT_COUNT") + 1)
            keys = self._read(cursor, expr, low, high, asked, table)
            self._walks[(expr, low, high)] = (keys, asked)
        return keys[:limit]

    @staticmethod
    def _read(cursor, expr: str, low: int, high: int, limit: int, table: str) -> list[int]:
        cursor.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid BETWEEN %s AND %s "
            "ORDER BY rowid DESC LIMIT %s",
            [expr, low, high, limit],
        )
        return [row[0] for row in cursor.fetchall()]

    def _newest_keys(self, cursor, expr: str, ranges, limit: int, offset: int = 0) -> list[int]:
        return self._newest(cursor, expr, ranges, limit, offset)

    def _newest(
        self, cursor, expr: str, ranges, limit: int, offset: int = 0, *, table: str = FTS
    ) -> list[int]:
        """Return the keys of the newest matches over every range, newest first."""
        found = [self._walk(cursor, expr, low, high, limit + offset, table) for low, high in ranges]
        if len(found) == 1:
            return found[0][offset:]
        merged = heapq.merge(*found, key=key_seconds, reverse=True)
        return list(merged)[offset : offset + limit]

    def _count(self, cursor, expr: str, ranges, bound: int = 0) -> tuple[int, bool]:
        bound = bound or search_setting("EXACT_COUNT")
        total, exact, seen = 0, True, 0
        for low, high in ranges:
            # One past the bound tells "exactly the bound" from "more".
            keys = self._walk(cursor, expr, low, high, bound + 1)
            found = len(keys)
            seen += found
            if found <= bound:
                total += found
                continue
            # Past the bound, extrapolate over time: the matches counted cover the
            # span from the newest match back to the bound-th one; the edition's
            # oldest article (or the start of the date filter) ends the whole span.
            cursor.execute(f"SELECT min(doc) FROM {ENTRY} WHERE doc BETWEEN %s AND %s", [low, high])
            oldest = key_seconds(cursor.fetchone()[0] or low)
            newest = key_seconds(keys[0])
            covered = max(1, newest - key_seconds(keys[-1]))
            total += max(found, about(found * max(1, newest - oldest) / covered))
            exact = False
        # An estimate plus another edition's exact count must still read as an estimate.
        return (total, True) if exact else (max(seen, about(total)), False)

    def count(self, query: Query, *, filters: Filters, now: dt.datetime) -> tuple[int, bool]:
        """Return the number of public matches (exact up to EXACT_COUNT) and whether exact."""
        expr = compile_query(query, filters)
        if expr is None:
            return 0, True
        with self.connection.cursor() as cursor:
            return self._count(cursor, expr, self._ranges(filters, now))

    def _score(
        self,
        cursor,
        keys: list[int],
        units,
        idf: list[float],
        now,
        unchecked: set[int] = frozenset(),
        excluded: list[tuple[str, str]] = (),
    ) -> dict[int, float]:
        """Return BM25 x recency per key, counting terms in the stored term strings.

        Reading the terms is the cost (a few KB per article, ~17 us each), which
        is why only a window of candidates is scored. Keys in ``unchecked`` that
        hold an ``excluded`` needle (term or name key) are left out.
        """
        rows = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT doc, title, body, names FROM {ENTRY} WHERE doc IN ({marks})", chunk
            )
            rows.extend(cursor.fetchall())
        if not rows:
            return {}
        avg_title = sum(len(r[1]) for r in rows) / len(rows) + 1
        rows = [(k, t, _stored_terms(b), n) for k, t, b, n in rows]
        avg_body = sum(len(r[2]) for r in rows) / len(rows) + 1
        needles = [(f" {term} ", f" {name} " if name else "") for _, term, name in units]
        weigh = recency_at(now)
        scores = {}
        for key, title, body, names in rows:
            title_len, body_len = len(title) + 1, len(body) + 1
            title, body, names = f" {title} ", f" {body} ", f" {names} "
            if key in unchecked and any(
                needle in title or needle in body or (name and name in names)
                for needle, name in excluded
            ):
                continue
            score = 0.0
            for (needle, name), weight in zip(needles, idf, strict=True):
                part = WEIGHTS["title"] * _saturate(title.count(needle), title_len, avg_title)
                part += WEIGHTS["body"] * _saturate(body.count(needle), body_len, avg_body)
                if name:
                    part += WEIGHTS["names"] * _saturate(names.count(name), 1, 1)
                score += weight * part
            scores[key] = score * weigh(key)
        return scores

    def _idf(self, cursor, units, ranges, filters: Filters) -> list[float]:
        """Return a BM25 inverse document frequency per unit (bounded counts; 1 for one unit)."""
        if len(units) < 2:
            return [1.0] * len(units)
        cursor.execute(f"SELECT max(article_id) FROM {ENTRY}")
        size = max(1, cursor.fetchone()[0] or 1)
        weights = []
        for expr, _, _ in units:
            # A rough document frequency is enough to weigh words against each other.
            df, _ = self._count(cursor, expr, ranges, bound=1000)
            weights.append(math.log(1 + (size - df + 0.5) / (df + 0.5)))
        return weights

    def _ranked(self, cursor, query: Query, filters: Filters, expr: str, ranges, now):
        """Return the ranked window's keys and whether it holds every match."""
        window = search_setting("RANK_WINDOW")
        newest = self._newest(cursor, expr, ranges, window)
        complete = len(newest) < window
        candidates = dict.fromkeys(newest)
        title_expr = None if complete else _title_only(query, filters)
        unchecked = set()
        if title_expr:
            # Many matches: also weigh the newest title matches, which the
            # newest-matches window may have missed. The title table knows
            # nothing of the body, so excluded words are checked when scoring.
            for key in self._newest(cursor, title_expr, ranges, window // 2, table=TITLE):
                if key not in candidates:
                    candidates[key] = None
                    unchecked.add(key)
        units = _units(query.include)
        idf = self._idf(cursor, units, ranges, filters)
        excluded = _excluded_needles(query) if unchecked else []
        scores = self._score(cursor, list(candidates), units, idf, now, unchecked, excluded)
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        return ranked, complete, (min(newest, key=key_seconds) if newest else None)

    def _facets(self, cursor, query: Query, filters: Filters, ranges, total: int):
        """Return ``[(section_id, count)]`` for the query without its section filter, and
        whether the counts are exact.

        An article counts under every section it is filed in, primary or extra
        (its ``s<id>`` filter tokens), as the section filter finds it. Counted
        over the newest FACET_WINDOW matches and scaled to the total beyond that.
        """
        unsectioned = Filters(**{**filters.__dict__, "section": None})
        expr = compile_query(query, unsectioned)
        window = search_setting("FACET_WINDOW")
        counts: Counter[int] = Counter()
        seen, exact = 0, True
        for low, high in ranges:
            keys = self._walk(cursor, expr, low, high, window)
            seen += len(keys)
            exact = exact and len(keys) < window
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT meta FROM {ENTRY} WHERE doc IN ({marks})", chunk)
                for (meta,) in cursor.fetchall():
                    counts.update(int(t[1:]) for t in meta.split() if t[0] == "s")
        if not exact:
            if filters.section is not None:
                total = self._count(cursor, expr, ranges)[0]
            counts = Counter({s: max(1, about(n * total / seen)) for s, n in counts.items()})
        return sorted(counts.items(), key=lambda c: (-c[1], c[0])), exact
