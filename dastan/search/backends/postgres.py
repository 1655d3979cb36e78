"""PostgreSQL search: a tsvector column with a GIN index, for deployments with several app servers.

Text is folded in Python exactly as for FTS5 (case, diacritics, ``ё``,
look-alike letters, possessives) and stemmed by PostgreSQL's ``russian`` text
search configuration copied as ``dastan``, which stems Cyrillic words with the
Russian Snowball stemmer and ASCII words with the English one, but keeps stop
words: FTS5 keeps them, so "the" or "to be or not to be" find the same
articles on both backends. Name keys (:func:`text.name_key`) go in with
weight C (``simple`` configuration); ranking uses ``ts_rank`` with the title
(weight A) above the body (weight B).

Reading a row's tsvector costs ~13 us at a million articles (it is TOASTed),
and the planner does not count that cost, so every search finds its rows
through the GIN index alone. Besides its words, each vector holds *marks*,
lexemes no text can produce: the filter tokens (``#s12``) and the article's
time buckets in its edition (``~1.0.9871``: edition 1, level 0, bucket 9871).
Matches are collected newest first in time slices that grow until the page,
the bounded count and the section counts have what they need; each slice is
the query ANDed with a few bucket lexemes, so the index intersects them and
only the matches of the slice are fetched. Only phrases read vectors (the
index cannot check word positions), and ranking reads the newest
``RANK_WINDOW`` matches. Keys, ranking window, recency boost and bounded
counts work as in :mod:`~dastan.search.backends.sqlite_fts5`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction

from dastan.search import text
from dastan.search.backends.base import (
    ID_BITS,
    ID_MASK,
    TIME_BITS,
    TIME_MASK,
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
from dastan.search.query import Phrase, Query, Term

TABLE = "search_document"
# The function every match goes through (see MATCHES_SQL).
MATCHES = "search_document_matches"
# ts_rank weights for D (unused), C (names), B (body), A (title).
RANK_WEIGHTS = "{0.0, 0.3, 0.4, 1.0}"
# Time buckets, in seconds since 1970 shifted right: level 0 holds 2**18 s
# (3 days), each level 8 times the one below (24 days, 194 days, 4 years, 34 years).
# At a million articles over twelve years a level-0 bucket holds ~700 articles.
LEVEL_BITS = 3
BUCKET_FANOUT = 1 << LEVEL_BITS
BUCKET_SHIFTS = tuple(18 + LEVEL_BITS * level for level in range(5))
# A slice grows at most this many times over what was already searched.
MAX_GROWTH = 32


def _vector(title: str, body: str, names: str, marks: str) -> str:
    """Return the SQL making a row's tsvector from its folded text, name keys and marks."""
    return (
        f"setweight(to_tsvector('dastan', {title}), 'A')"
        f" || setweight(to_tsvector('dastan', {body}), 'B')"
        f" || setweight(to_tsvector('simple', {names}), 'C')"
        f" || array_to_tsvector({marks}::text[])"
    )


def _use_lz4(cursor) -> None:
    """Compress new TOAST values with lz4 in this session, where the server has it."""
    cursor.execute(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    )
    row = cursor.fetchone()
    if row and row[0]:
        cursor.execute("SET default_toast_compression = 'lz4'")


def _table_sql(name: str) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {name} (article_id bigint PRIMARY KEY, "
        "doc bigint NOT NULL UNIQUE, sections bigint[] NOT NULL DEFAULT '{}', "
        "tsv tsvector NOT NULL, fingerprint bigint)"
    )


def bucket_marks(key: int) -> list[str]:
    """Return the time-bucket lexemes of a document key, one per level."""
    code, seconds = key >> (TIME_BITS + ID_BITS), key_seconds(key)
    return [f"~{code}.{level}.{seconds >> shift}" for level, shift in enumerate(BUCKET_SHIFTS)]


def prepare_text(title: str, standfirst: str, body: str) -> tuple:
    """Return the folded title, folded body and name keys of one article (pure; see sqlite_fts5)."""
    text_body = f"{standfirst}\n{text.html_to_text(body)}"
    names = " ".join(text.distinct_name_keys(f"{title}\n{text_body}"))
    return text.fold_text(title), text.fold_text(text_body), names


def prepare(doc: Document) -> tuple:
    """Return the row values of one document: folded title and body, name keys, marks."""
    title, body, names = text_analysed(doc.title, doc.standfirst, doc.body, prepare_text)
    tokens = doc.filter_tokens()
    return (
        doc.key,
        doc.article_id,
        [int(t[1:]) for t in tokens if t[0] == "s"],
        title,
        body,
        names,
        [f"#{t}" for t in tokens] + bucket_marks(doc.key),
        doc.fingerprint,
    )


TEXT_CONFIG = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'dastan') THEN
    CREATE TEXT SEARCH DICTIONARY dastan_russian (TEMPLATE = snowball, LANGUAGE = russian);
    CREATE TEXT SEARCH DICTIONARY dastan_english (TEMPLATE = snowball, LANGUAGE = english);
    CREATE TEXT SEARCH CONFIGURATION dastan (COPY = russian);
    ALTER TEXT SEARCH CONFIGURATION dastan
      ALTER MAPPING FOR word, hword, hword_part WITH dastan_russian;
    ALTER TEXT SEARCH CONFIGURATION dastan
      ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH dastan_english;
  END IF;
END $$;
"""

# The newest ``n`` matches of a tsquery in a key range. The planner would
# rather read every row (a seq scan) or walk the key index newest first than
# use the GIN index for a word in most articles: both detoast each row's
# vector, a cost it does not count (a common word took 470 ms at 200,000
# articles). The settings, which hold only while the function runs, leave it
# the GIN bitmap; ``doc + 0`` keeps the key index out of the bitmap too.
MATCHES_SQL = f"""
CREATE OR REPLACE FUNCTION {MATCHES}(q tsquery, low bigint, high bigint, n integer)
RETURNS TABLE (doc bigint, sections bigint[])
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
AS $$
  SELECT d.doc, d.sections FROM {TABLE} AS d
  WHERE d.tsv @@ q AND d.doc + 0 BETWEEN low AND high
  ORDER BY d.doc DESC LIMIT n
$$
"""


class _Compiler:
    """Turn a parsed query into SQL for a tsquery plus its parameters."""

    def __init__(self) -> None:
        self.params: list[str] = []

    def word(self, word: str) -> str | None:
        # No weight labels: a label makes PostgreSQL recheck (detoast) every
        # row the GIN index finds.
        folded = text.fold_word(word)
        if not folded:
            return None
        self.params.append(f"'{folded}'")
        sql = "to_tsquery('dastan', %s)"
        key = text.name_key(word)
        if key:
            self.params.append(f"'{key}'")
            sql = f"({sql} || to_tsquery('simple', %s))"
        return sql

    def phrase(self, words: tuple[str, ...]) -> str | None:
        folded = " ".join(t for t in (text.fold_word(w) for w in words) if t)
        if not folded:
            return None
        self.params.append(folded)
        return "phraseto_tsquery('dastan', %s)"

    def node(self, node) -> str | None:
        if isinstance(node, Term):
            return self.word(node.word)
        if isinstance(node, Phrase):
            return self.phrase(node.words)
        parts = [p for p in (self.node(o) for o in node.options) if p]
        return "(" + " || ".join(parts) + ")" if parts else None

    def query(self, query: Query) -> str | None:
        include = [p for p in (self.node(n) for n in query.include) if p]
        if not include:
            return None
        sql = " && ".join(include)
        for node in query.exclude:
            part = self.node(node)
            if part:
                sql += f" && !!{part}"
        return f"({sql})"


def compile_query(query: Query) -> tuple[str, list] | None:
    """Return ``(tsquery SQL, params)`` for the words of ``query``; ``None`` if none can match."""
    compiler = _Compiler()
    sql = compiler.query(query)
    return (sql, compiler.params) if sql else None


def with_tokens(words: str, tokens: list[str]) -> str:
    """Return the tsquery text of ``words`` (a tsquery's text) ANDed with filter tokens."""
    return " & ".join([f"( {words} )", *(f"'#{t}'" for t in tokens)])


def cover(lower: int, upper: int) -> list[tuple[int, int]]:
    """Return the fewest aligned buckets ``(level, index)`` over level-0 buckets lower..upper."""
    parts = []
    while lower <= upper:
        level = 0
        while level + 1 < len(BUCKET_SHIFTS):
            size = BUCKET_FANOUT ** (level + 1)
            if lower % size or lower + size - 1 > upper:
                break
            level += 1
        parts.append((level, lower // BUCKET_FANOUT**level))
        lower += BUCKET_FANOUT**level
    return parts


# A phrase operator in a tsquery's text (``<->``, ``<2>``); lexemes are quoted words.
_PHRASE = re.compile(r"<(?:-|\d+)>")


def _key(code: int, seconds: int) -> int:
    return (code << (TIME_BITS + ID_BITS)) | (min(max(seconds, 0), TIME_MASK) << ID_BITS)


class SearchBackend(RankedSearch):
    """tsvector search in the default PostgreSQL database."""

    vendor = "postgresql"
    # Matches counted exactly before estimating.
    count_bound = 1000
    # A phrase's matches are checked on each candidate's detoasted vector (the GIN
    # index cannot see word positions): counting 1,000 of them read 13,000 buffers
    # and made a phrase three times slower than on SQLite (issue #15), so a phrase
    # is counted exactly to a quarter of that and extrapolated beyond.
    phrase_count_bound = 250

    def __init__(self, using=None) -> None:
        self.connection = using or connection
        # Matches collected during one search, shared by the page, count and facets.
        self._memo: dict = {}

    # -- writing ---------------------------------------------------------------------------

    def install(self) -> None:
        """Create the text search configuration, the document table, its indexes and function.

        A table from before marks and time buckets is converted in place.
        """
        with self.connection.cursor() as cursor:
            cursor.execute(TEXT_CONFIG)
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                [TABLE],
            )
            columns = {row[0] for row in cursor.fetchall()}
            if columns and "sections" not in columns:
                self._upgrade(cursor, has_fingerprint="fingerprint" in columns)
            cursor.execute(_table_sql(TABLE))
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (tsv) "
                "WITH (fastupdate = off)"
            )
            cursor.execute(MATCHES_SQL)

    def _upgrade(self, cursor, *, has_fingerprint: bool) -> None:
        """Convert a table from before marks (filter tokens were weight-D words) without
        reading articles again: drop the tokens, add the marks, then swap as a rebuild does.
        """
        build = f"{TABLE}_build"
        tokens = "tsvector_to_array(ts_filter(tsv, '{d}'))"
        shifts = ", ".join(map(str, BUCKET_SHIFTS))
        buckets = (
            f"SELECT format('~%s.%s.%s', doc >> {TIME_BITS + ID_BITS}, b.level - 1, "
            f"((doc >> {ID_BITS}) & {TIME_MASK}) >> b.shift) "
            f"FROM unnest(ARRAY[{shifts}]) WITH ORDINALITY AS b(shift, level)"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {build}")
        cursor.execute(_table_sql(build))
        cursor.execute(
            f"INSERT INTO {build} (article_id, doc, sections, tsv, fingerprint) "
            f"SELECT article_id, doc, "
            f"ARRAY(SELECT substr(t, 2)::bigint FROM unnest({tokens}) AS t WHERE t ~ '^s[0-9]+$'), "
            f"ts_filter(tsv, '{{a,b,c}}') || array_to_tsvector(ARRAY("
            f"SELECT '#' || t FROM unnest({tokens}) AS t WHERE t ~ '^[stpa][0-9]+$' "
            f"UNION ALL {buckets})), "
            f"{'fingerprint' if has_fingerprint else 'NULL'} FROM {TABLE}"
        )
        self._swap(cursor, build)

    def uninstall(self) -> None:
        """Drop the document table and its function."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP FUNCTION IF EXISTS {MATCHES}(tsquery, bigint, bigint, integer)")
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def _insert(self, cursor, rows: list[tuple]) -> None:
        """Write rows through a temporary table filled by COPY, then one INSERT ... SELECT.

        An INSERT a row was parsed and planned by the server each time; the
        tsvectors are still made by the server, in the one statement.
        """
        stage = f"{TABLE}_incoming"
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} (doc bigint, article_id bigint, "
            "sections bigint[], title text, body text, names text, marks text[], "
            "fingerprint bigint) ON COMMIT DELETE ROWS"
        )
        with (
            self.connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {stage} FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        vector = _vector("title", "body", "names", "marks")
        cursor.execute(
            f"INSERT INTO {TABLE} (doc, article_id, sections, tsv, fingerprint) "
            f"SELECT doc, article_id, sections, {vector}, fingerprint FROM {stage}"
        )
        cursor.execute(f"DELETE FROM {stage}")

    def index(self, documents: Iterable[Document], *, remove: Iterable[int] = ()) -> None:
        """Replace ``documents`` and drop ``remove``, inside the caller's transaction."""
        rows = [prepare(d) for d in documents]
        gone = [*[r[1] for r in rows], *remove]
        if not gone:
            return
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [gone])
            if rows:
                self._insert(cursor, rows)

    def remove(self, article_ids: Iterable[int]) -> None:
        """Drop articles from the index."""
        self.index((), remove=list(article_ids))

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Let the GIN index gather new entries in its pending list while the block runs.

        The live index has ``fastupdate`` off, so that no search scans a pending
        list; then each new row's ~300 lexemes go into the tree one by one, and a
        JSON-lines load ran at a fifth of the rate it has with the list (5,000
        articles: 123 s against 25 s, same load). At the end the list is merged
        into the tree and ``fastupdate`` is off again. Changing it takes a lock
        on the index for a moment at each end.

        New TOAST values of the session (the vectors, and the loaded bodies)
        are compressed with lz4 meanwhile, where the server has it: storing
        10,000 of the harness corpus's vectors cost the server 2.6 s with pglz
        and 1.35 s with lz4 (on top of 4.2 s making them), and lz4 reads faster.
        """
        index = f"{TABLE}_tsv"
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [index])
            if not cursor.fetchone()[0]:
                yield
                return
            cursor.execute(f"ALTER INDEX {index} SET (fastupdate = on)")
            _use_lz4(cursor)
        try:
            yield
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("RESET default_toast_compression")
                # Turning it off keeps what is pending: the clean merges that.
                cursor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
                # Searches are planned from the table's statistics: a loaded archive
                # needs them now, not at autovacuum's next pass (if it runs at all).
                cursor.execute(f"ANALYZE {TABLE}")

    def rebuild(
        self,
        batches: Iterable[list[Document]],
        *,
        progress: Callable[[int], None] = lambda n: None,
        prepared: Iterable[list[tuple]] | None = None,
    ) -> int:
        """Build a new table beside the live one, index it, then swap in one transaction.

        Rows go in with COPY as text and become tsvectors in one INSERT ... SELECT;
        the GIN index is built once at the end, far faster than row by row.
        """
        if prepared is None:
            prepared = ([prepare(d) for d in batch] for batch in batches)
        build, stage = f"{TABLE}_build", f"{TABLE}_stage"
        total = 0
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {build}")
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(
                f"CREATE UNLOGGED TABLE {stage} (doc bigint, article_id bigint, "
                "sections bigint[], title text, body text, names text, marks text[], "
                "fingerprint bigint)"
            )
            # Folded text is read once, by the SELECT below: compressing it
            # (TOAST's default) only costs the server CPU the build needs.
            cursor.execute(
                f"ALTER TABLE {stage} ALTER COLUMN title SET STORAGE EXTERNAL, "
                "ALTER COLUMN body SET STORAGE EXTERNAL, ALTER COLUMN names SET STORAGE EXTERNAL"
            )
            raw = cursor.cursor
            for rows in prepared:
                with raw.copy(f"COPY {stage} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                total += len(rows)
                progress(len(rows))
            # CREATE TABLE AS may run its SELECT in parallel workers (INSERT ... SELECT
            # may not): making the tsvectors is most of the build, and it then uses
            # every core. Keys and constraints are added once the rows are in.
            vector = _vector("title", "body", "names", "marks")
            # pglz tries, and mostly fails, to compress each ~4 KB tsvector; lz4
            # gives up (or succeeds) far sooner, here and when a query reads it.
            _use_lz4(cursor)
            cursor.execute(
                f"CREATE TABLE {build} AS SELECT article_id, doc, "
                f"coalesce(sections, '{{}}') AS sections, {vector} AS tsv, fingerprint "
                f"FROM {stage}"
            )
            cursor.execute("RESET default_toast_compression")
            cursor.execute(
                f"ALTER TABLE {build} ADD PRIMARY KEY (article_id), ADD UNIQUE (doc), "
                "ALTER COLUMN doc SET NOT NULL, ALTER COLUMN tsv SET NOT NULL, "
                "ALTER COLUMN sections SET NOT NULL, ALTER COLUMN sections SET DEFAULT '{}'"
            )
            cursor.execute(f"DROP TABLE {stage}")
            self._swap(cursor, build)
        return total

    def _swap(self, cursor, build: str) -> None:
        """Index the ``build`` table, then put it in the live table's place in one transaction."""
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            f"CREATE INDEX {build}_tsv ON {build} USING gin (tsv) WITH (fastupdate = off)"
        )
        cursor.execute(f"ANALYZE {build}")
        with transaction.atomic(using=self.connection.alias):
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(f"ALTER TABLE {build} RENAME TO {TABLE}")
            cursor.execute(f"ALTER INDEX {build}_tsv RENAME TO {TABLE}_tsv")

    # -- reading ---------------------------------------------------------------------------

    def indexed(self) -> dict[int, tuple[int, int]]:
        """Return ``{article_id: (document key, fingerprint)}`` for the whole index."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT article_id, doc, fingerprint FROM {TABLE}")
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}

    def search(self, query: Query, **options) -> Results:
        """Return one page of public matches, best (or newest, ``order="date"``) first."""
        self._memo = {}
        try:
            return super().search(query, **options)
        finally:
            self._memo = {}

    def count(self, query: Query, *, filters: Filters, now: dt.datetime) -> tuple[int, bool]:
        """Return the number of public matches (exact up to the bound) and whether exact."""
        self._memo = {}
        try:
            compiled = self._compile(query, filters)
            ranges = self._ranges(filters, now)
            if compiled is None or not ranges:
                return 0, True
            with self.connection.cursor() as cursor:
                return self._count(cursor, compiled, ranges)
        finally:
            self._memo = {}

    def _ranges(self, filters: Filters, now: dt.datetime):
        """Return the key ranges to search, each narrowed to the keys indexed in it.

        An edition with nothing indexed is left out; the newest key of each is
        where collecting starts, the oldest what counts are extrapolated to.
        """
        end = min(now, filters.end) if filters.end else now
        kept = []
        with self.connection.cursor() as cursor:
            for low, high in key_ranges(language=filters.language, start=filters.start, end=end):
                cursor.execute(
                    f"SELECT min(doc), max(doc) FROM {TABLE} WHERE doc BETWEEN %s AND %s",
                    [low, high],
                )
                first, last = cursor.fetchone()
                if first is not None:
                    kept.append((first, last))
        return kept

    def _words(self, query: Query) -> str | None:
        """Return the tsquery of the words of ``query`` as text; ``None`` when nothing can match.

        PostgreSQL stems the words once; every later statement takes the text.
        """
        key = ("words", query)
        if key not in self._memo:
            compiled = compile_query(query)
            words = None
            if compiled:
                with self.connection.cursor() as cursor:
                    cursor.execute(f"SELECT ({compiled[0]})::text", compiled[1])
                    words = cursor.fetchone()[0] or None
            self._memo[key] = words
        return self._memo[key]

    def _compile(self, query: Query, filters: Filters) -> str | None:
        words = self._words(query)
        return with_tokens(words, filters.tokens()) if words else None

    def _most_read(self, tsquery: str) -> int:
        """Return how many matches of ``tsquery`` one collection reads at most to count."""
        return self.phrase_count_bound if _PHRASE.search(tsquery) else self.count_bound

    def _bound(self, tsquery: str) -> int:
        return min(search_setting("EXACT_COUNT"), self._most_read(tsquery))

    def _gather(self, cursor, tsquery: str, low: int, high: int, need: int) -> list[tuple]:
        """Return ``(key, sections)`` of the newest matches in one edition's key range.

        At least ``need`` rows (and one more than the count bound) unless there
        are fewer. Slices of time are searched newest first: the first is the
        newest two level-0 buckets; each next one is sized from the matches
        found so far per bucket, to reach what is missing with a margin.
        """
        need = max(need, self._bound(tsquery) + 1)
        memo = self._memo.get((tsquery, low, high))
        if memo and (memo[1] or len(memo[0]) >= need):
            return memo[0]
        code = low >> (TIME_BITS + ID_BITS)
        bottom = key_seconds(low) >> BUCKET_SHIFTS[0]
        top = key_seconds(high) >> BUCKET_SHIFTS[0]
        rows: list[tuple] = []
        upper, lower = top, top - 1
        while True:
            lower = max(lower, bottom)
            buckets = " | ".join(f"'~{code}.{lv}.{i}'" for lv, i in cover(lower, upper))
            cursor.execute(
                f"SELECT doc, sections FROM {MATCHES}(%s::tsquery, %s, %s, %s)",
                [
                    f"{tsquery} & ( {buckets} )",
                    max(low, _key(code, lower << BUCKET_SHIFTS[0])),
                    min(high, _key(code, ((upper + 1) << BUCKET_SHIFTS[0]) - 1) | ID_MASK),
                    need - len(rows),
                ],
            )
            rows += cursor.fetchall()
            if len(rows) >= need or lower == bottom:
                break
            searched = top - lower + 1
            wanted = (need - len(rows)) * searched * 5 // (4 * len(rows)) if rows else 0
            grow = min(max(wanted, searched), searched * MAX_GROWTH) if rows else searched * 8
            upper, lower = lower - 1, lower - grow
        self._memo[(tsquery, low, high)] = (rows, len(rows) < need)
        return rows

    def _newest(self, cursor, tsquery: str, ranges, limit: int, offset: int = 0) -> list[tuple]:
        found = [self._gather(cursor, tsquery, low, high, limit + offset) for low, high in ranges]
        rows = (
            found[0]
            if len(found) == 1
            else list(heapq.merge(*found, key=lambda r: key_seconds(r[0]), reverse=True))
        )
        return rows[offset : offset + limit]

    def _newest_keys(self, cursor, compiled, ranges, limit: int, offset: int = 0) -> list[int]:
        return [row[0] for row in self._newest(cursor, compiled, ranges, limit, offset)]

    def _ranked(self, cursor, query: Query, filters: Filters, compiled, ranges, now):
        """Return the newest RANK_WINDOW matches by score, whether that is all, the oldest key.

        Only these rows' vectors are read, for ``ts_rank``. No title-candidate
        pass: a weight-restricted test cannot be answered by the GIN index.
        """
        window = search_setting("RANK_WINDOW")
        keys = self._newest_keys(cursor, compiled, ranges, window)
        cursor.execute(
            f"SELECT doc, ts_rank('{RANK_WEIGHTS}', tsv, %s::tsquery) FROM {TABLE} "
            "WHERE doc = ANY(%s)",
            [self._words(query), keys],
        )
        scores = dict(cursor.fetchall())
        weigh = recency_at(now)
        ranked = sorted(keys, key=lambda k: scores.get(k, 0.0) * weigh(k), reverse=True)
        return ranked, len(keys) < window, keys[-1] if keys else None

    def _count(self, cursor, compiled, ranges) -> tuple[int, bool]:
        """Count exactly up to a bound, then extrapolate over time ("about N").

        As on SQLite: the newest bound + 1 matches cover a span of time back
        from the newest one, scaled to the span back to the edition's oldest
        article (or the start of the date filter).
        """
        bound = self._bound(compiled)
        total, exact = 0, True
        for low, high in ranges:
            rows = self._gather(cursor, compiled, low, high, bound + 1)[: bound + 1]
            if len(rows) <= bound:
                total += len(rows)
                continue
            newest, last = key_seconds(rows[0][0]), key_seconds(rows[-1][0])
            covered = max(1, newest - last)
            total += max(len(rows), about(len(rows) * max(1, newest - key_seconds(low)) / covered))
            exact = False
        return total, exact

    def _facets(self, cursor, query: Query, filters: Filters, ranges, total: int):
        """Return ``[(section_id, count)]`` for the query without its section filter, and
        whether the counts are exact.

        An article counts under every section it is filed in, primary or extra
        (the ``sections`` column; its ``#s<id>`` marks are what the section
        filter matches). Counted over the newest FACET_WINDOW matches and scaled
        to the total beyond that.
        """
        unsectioned = Filters(**{**filters.__dict__, "section": None})
        compiled = with_tokens(self._words(query), unsectioned.tokens())
        window = min(search_setting("FACET_WINDOW"), self._most_read(compiled))
        counts: Counter[int] = Counter()
        seen, exact = 0, True
        for low, high in ranges:
            rows = self._gather(cursor, compiled, low, high, window)[:window]
            seen += len(rows)
            exact = exact and len(rows) < window
            for _, sections in rows:
                counts.update(sections)
        if not exact:
            if filters.section is not None:
                total = self._count(cursor, compiled, ranges)[0]
            counts = Counter({s: max(1, about(n * total / seen)) for s, n in counts.items()})
        return sorted(counts.items(), key=lambda c: (-c[1], c[0])), exact
