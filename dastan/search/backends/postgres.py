"""PostgreSQL search: a tsvector column with a GIN index, for deployments with several app servers.

Text is folded in Python exactly as for FTS5 (case, diacritics, ``ё``,
look-alike letters, possessives) and stemmed by PostgreSQL's ``russian`` text
search configuration copied as ``dastan``, which stems Cyrillic words with the
Russian Snowball stemmer and ASCII words with the English one, but keeps stop
words: FTS5 keeps them, so "the" or "to be or not to be" find the same
articles on both backends. Name keys (:func:`text.name_key`)
go in with weight C and filter tokens with weight D (``simple`` configuration).
Keys, ranking window, recency boost and bounded counts work as in
:mod:`~dastan.search.backends.sqlite_fts5`; ranking uses ``ts_rank`` with the
title (weight A) above the body (weight B).
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from dastan.search import text
from dastan.search.backends.base import (
    Document,
    Filters,
    RankedSearch,
    about,
    key_ranges,
    key_seconds,
    recency,
)
from dastan.search.conf import search_setting
from dastan.search.query import Phrase, Query, Term

TABLE = "search_document"
# ts_rank weights for D (filters), C (names), B (body), A (title).
RANK_WEIGHTS = "{0.0, 0.3, 0.4, 1.0}"
VECTOR = (
    "setweight(to_tsvector('dastan', %s), 'A') || setweight(to_tsvector('dastan', %s), 'B')"
    " || setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D')"
)


def prepare(doc: Document) -> tuple:
    """Return the row values of one document: folded title and body, name keys, filters."""
    body = f"{doc.standfirst}\n{text.html_to_text(doc.body)}"
    names = " ".join(dict.fromkeys(text.name_keys(f"{doc.title}\n{body}")))
    return (
        doc.key,
        doc.article_id,
        doc.section_id,
        text.fold_text(doc.title),
        text.fold_text(body),
        names,
        " ".join(doc.filter_tokens()),
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


class _Compiler:
    """Turn a parsed query into SQL for a tsquery plus its parameters."""

    def __init__(self) -> None:
        self.params: list[str] = []

    def word(self, word: str, *, title: bool = False) -> str | None:
        # No weight labels except for title candidates: a label makes PostgreSQL
        # recheck (detoast) every row the GIN index finds, ~13 us each.
        folded = text.fold_word(word)
        if not folded:
            return None
        self.params.append(f"'{folded}':A" if title else f"'{folded}'")
        sql = "to_tsquery('dastan', %s)"
        key = "" if title else text.name_key(word)
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

    def node(self, node, *, title: bool = False) -> str | None:
        if isinstance(node, Term):
            return self.word(node.word, title=title)
        if isinstance(node, Phrase):
            return self.phrase(node.words)
        parts = [p for p in (self.node(o, title=title) for o in node.options) if p]
        return "(" + " || ".join(parts) + ")" if parts else None

    def query(self, query: Query, filters: Filters, *, title: bool = False) -> str | None:
        include = [p for p in (self.node(n, title=title) for n in query.include) if p]
        if not include:
            return None
        for token in filters.tokens():
            self.params.append(f"'{token}'")
            include.append("to_tsquery('simple', %s)")
        sql = " && ".join(include)
        for node in query.exclude:
            part = self.node(node)
            if part:
                sql += f" && !!{part}"
        return f"({sql})"


def compile_query(
    query: Query, filters: Filters, *, title: bool = False
) -> tuple[str, list] | None:
    """Return ``(tsquery SQL, params)`` for ``query``; ``None`` when nothing can match."""
    compiler = _Compiler()
    sql = compiler.query(query, filters, title=title)
    return (sql, compiler.params) if sql else None


class SearchBackend(RankedSearch):
    """tsvector search in the default PostgreSQL database."""

    vendor = "postgresql"
    # Matches counted (and faceted) exactly before estimating.
    count_bound = 1000
    # Up to this many estimated matches, the GIN index finds them all first.
    gin_rows = 50_000

    def __init__(self, using=None) -> None:
        self.connection = using or connection

    def install(self) -> None:
        """Create the text search configuration, the document table and its indexes."""
        with self.connection.cursor() as cursor:
            cursor.execute(TEXT_CONFIG)
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (article_id bigint PRIMARY KEY, "
                "doc bigint NOT NULL UNIQUE, section_id bigint, tsv tsvector NOT NULL)"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (tsv) "
                "WITH (fastupdate = off)"
            )

    def uninstall(self) -> None:
        """Drop the document table."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def _insert(self, cursor, rows: list[tuple]) -> None:
        cursor.executemany(
            f"INSERT INTO {TABLE} (doc, article_id, section_id, tsv) "
            f"VALUES (%s, %s, %s, {VECTOR})",
            rows,
        )

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
                f"CREATE UNLOGGED TABLE {stage} (doc bigint, article_id bigint, section_id bigint, "
                "title text, body text, names text, meta text)"
            )
            raw = cursor.cursor
            for rows in prepared:
                with raw.copy(f"COPY {stage} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                total += len(rows)
                progress(len(rows))
            cursor.execute(
                f"CREATE TABLE {build} (article_id bigint PRIMARY KEY, "
                "doc bigint NOT NULL UNIQUE, section_id bigint, tsv tsvector NOT NULL)"
            )
            vector = VECTOR.replace("%s", "{}").format("title", "body", "names", "meta")
            cursor.execute(
                f"INSERT INTO {build} (doc, article_id, section_id, tsv) "
                f"SELECT doc, article_id, section_id, {vector} FROM {stage}"
            )
            cursor.execute(f"DROP TABLE {stage}")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                f"CREATE INDEX {build}_tsv ON {build} USING gin (tsv) WITH (fastupdate = off)"
            )
            cursor.execute(f"ANALYZE {build}")
            with transaction.atomic(using=self.connection.alias):
                cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
                cursor.execute(f"ALTER TABLE {build} RENAME TO {TABLE}")
                cursor.execute(f"ALTER INDEX {build}_tsv RENAME TO {TABLE}_tsv")
        return total

    def indexed(self) -> dict[int, int]:
        """Return ``{article_id: document key}`` for the whole index."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT article_id, doc FROM {TABLE}")
            return dict(cursor.fetchall())

    def _ranges(self, filters: Filters, now: dt.datetime):
        """Return the key ranges to search, leaving out editions with nothing indexed."""
        end = min(now, filters.end) if filters.end else now
        ranges = key_ranges(language=filters.language, start=filters.start, end=end)
        if len(ranges) < 2:
            return ranges
        kept = []
        with self.connection.cursor() as cursor:
            for low, high in ranges:
                cursor.execute(
                    f"SELECT 1 FROM {TABLE} WHERE doc BETWEEN %s AND %s LIMIT 1", [low, high]
                )
                if cursor.fetchone():
                    kept.append((low, high))
        return kept

    def _estimate(self, cursor, compiled, low: int, high: int) -> int:
        """Return the planner's row estimate for the matches in one key range."""
        sql, params = compiled
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE tsv @@ {sql} "
            "AND doc BETWEEN %s AND %s",
            [*params, low, high],
        )
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

    def _matches(self, cursor, compiled, low: int, high: int, columns: str) -> tuple[str, list]:
        """Return a FROM clause with the matches in one key range, and its parameters.

        Walking the key index newest first and testing each row is right when
        most rows match; for a rarer query the GIN index must find the matches
        first (a fence, ``OFFSET 0``, stops the planner from walking anyway: a
        rare word cost a second walking 130,000 rows at a million articles).
        """
        sql, params = compiled
        where = f"SELECT {columns} FROM {TABLE} WHERE tsv @@ {sql} AND doc BETWEEN %s AND %s"
        # The bitmap visits every match in the table, whatever the key range.
        if self._estimate(cursor, compiled, -(1 << 62), 1 << 62) <= self.gin_rows:
            return f"({where} OFFSET 0) AS m", [*params, low, high]
        return f"({where}) AS m", [*params, low, high]

    def _compile(self, query: Query, filters: Filters):
        return compile_query(query, filters)

    def _newest_keys(self, cursor, compiled, ranges, limit: int, offset: int = 0) -> list[int]:
        return [row[0] for row in self._newest(cursor, compiled, ranges, limit, offset)]

    def _ranked(self, cursor, query: Query, filters: Filters, compiled, ranges, now):
        """Return the newest RANK_WINDOW matches by score, whether that is all, the oldest key."""
        window = search_setting("RANK_WINDOW")
        rows = self._newest(cursor, compiled, ranges, window, rank=True)
        scores = dict(rows)
        # No title-candidate pass here: a weight-restricted test cannot use
        # the GIN index, and walking for rare title matches costs seconds.
        ranked = sorted(scores, key=lambda k: scores[k] * recency(k, now), reverse=True)
        return ranked, len(rows) < window, rows[-1][0] if rows else None

    def _newest(self, cursor, compiled, ranges, limit: int, offset: int = 0, *, rank=False):
        sql, params = compiled
        score = f", ts_rank('{RANK_WEIGHTS}', tsv, {sql})" if rank else ""
        found = []
        for low, high in ranges:
            source, source_params = self._matches(cursor, compiled, low, high, "doc, tsv")
            cursor.execute(
                f"SELECT doc{score} FROM {source} ORDER BY doc DESC LIMIT %s",
                [*(params if rank else []), *source_params, limit + offset],
            )
            found.append(cursor.fetchall())
        rows = (
            found[0]
            if len(found) == 1
            else list(heapq.merge(*found, key=lambda r: key_seconds(r[0]), reverse=True))
        )
        return rows[offset : offset + limit]

    def _count(self, cursor, compiled, ranges) -> tuple[int, bool]:
        """Count exactly up to a bound, then take the planner's estimate ("about N").

        Past a few hundred matches each row checked costs a detoasted tsvector,
        so the bound is lower than on SQLite; the GIN statistics estimate the rest.
        """
        bound = min(search_setting("EXACT_COUNT"), self.count_bound)
        total, exact = 0, True
        for low, high in ranges:
            source, source_params = self._matches(cursor, compiled, low, high, "doc")
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} ORDER BY doc DESC LIMIT %s) AS c",
                [*source_params, bound],
            )
            found = cursor.fetchone()[0]
            if found < bound:
                total += found
                continue
            total += max(found, about(self._estimate(cursor, compiled, low, high)))
            exact = False
        return total, exact

    def count(self, query: Query, *, filters: Filters, now: dt.datetime) -> tuple[int, bool]:
        """Return the number of public matches (exact up to EXACT_COUNT) and whether exact."""
        compiled = compile_query(query, filters)
        if compiled is None:
            return 0, True
        with self.connection.cursor() as cursor:
            return self._count(cursor, compiled, self._ranges(filters, now))

    def _facets(self, cursor, query: Query, filters: Filters, ranges, total: int):
        unsectioned = Filters(**{**filters.__dict__, "section": None})
        sql, params = compile_query(query, unsectioned)
        window = min(search_setting("FACET_WINDOW"), self.count_bound)
        counts: dict = {}
        for low, high in ranges:
            source, source_params = self._matches(
                cursor, (sql, params), low, high, "doc, section_id"
            )
            cursor.execute(
                f"SELECT section_id, count(*) FROM (SELECT section_id FROM {source} "
                "ORDER BY doc DESC LIMIT %s) AS f GROUP BY section_id",
                [*source_params, window],
            )
            for section, n in cursor.fetchall():
                counts[section] = counts.get(section, 0) + n
        seen = sum(counts.values())
        if seen >= window:
            if filters.section is not None:
                total = self._count(cursor, (sql, params), ranges)[0]
            counts = {s: max(1, about(n * total / seen)) for s, n in counts.items()}
        return sorted(((s, n) for s, n in counts.items() if s is not None), key=lambda c: -c[1])
