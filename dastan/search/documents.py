"""Build index documents from articles: the one place search reads the content model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection

from dastan.content.models import Article, ArticleAuthor, Place
from dastan.content.signals import ArticleWritten
from dastan.search.backends.base import Document

# Only these can ever be public; the rest are kept out of the index entirely.
INDEXED_STATUSES = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)
_FIELDS = ("id", "title", "standfirst", "body", "published_at", "language", "section_id")


def _quoted(model, column: str = "") -> str:
    name = connection.ops.quote_name
    return name(model._meta.db_table) + (f".{name(column)}" if column else "")


def _links(rows: list[tuple], *, dense: bool) -> dict[str, dict[int, list[int]]]:
    """Return ``{kind: {article_id: [linked ids]}}`` for the articles of ``rows``.

    ``dense`` rows are every indexable article of an id range: their links are
    read by range (half the time of ``dastan search check`` with an ``IN`` of
    2,000 ids, measured); links of articles in the range but not in ``rows``
    are read and never used. Plain SQL: the ORM prepared each id of an ``IN``
    one by one, a third of a rebuild worker's reading (see ``_article_rows``).
    """
    ids = [row[0] for row in rows]
    if dense:
        where, params = "BETWEEN %s AND %s", [ids[0], ids[-1]]
    else:
        where, params = f"IN ({', '.join(['%s'] * len(ids))})", ids
    found: dict[str, dict[int, list[int]]] = {k: defaultdict(list) for k in ("s", "t", "p", "a")}
    sections, tags = Article.sections.through, Article.tags.through
    places = Article.places.through
    queries = (
        ("s", f"SELECT article_id, section_id FROM {_quoted(sections)}"),
        ("t", f"SELECT article_id, tag_id FROM {_quoted(tags)}"),
        # A place's country is indexed with it, so that filtering by a country finds
        # articles about its cities, as the country's place page lists them.
        (
            "p",
            f"SELECT article_id, place_id, {_quoted(Place, 'country_id')} FROM {_quoted(places)} "
            f"JOIN {_quoted(Place)} ON {_quoted(Place, 'id')} = {_quoted(places, 'place_id')}",
        ),
        ("a", f"SELECT article_id, author_id FROM {_quoted(ArticleAuthor)}"),
    )
    with connection.cursor() as cursor:
        for kind, select in queries:
            cursor.execute(f"{select} WHERE article_id {where}", params)
            linked = found[kind]
            for article_id, other, *country in cursor.fetchall():
                linked[article_id].append(other)
                if country and country[0]:
                    linked[article_id].append(country[0])
    return found


def _article_rows(ids: list[int]) -> list[tuple]:
    """Return ``_FIELDS`` of those of ``ids`` that are indexable, read with a plain cursor.

    ``QuerySet.filter(id__in=...)`` prepared each of a batch's 500 ids one by
    one, and with the links that was most of a rebuild worker's reading
    (0.6 s of CPU per 10,000 harness articles; 0.2 s this way, measured).
    The publication time goes through the same converters as the ORM's.
    """
    field = Article._meta.get_field("published_at")
    column = field.get_col(Article._meta.db_table)
    converters = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
    names = ", ".join(
        connection.ops.quote_name(Article._meta.get_field(name).column) for name in _FIELDS
    )
    statuses = [str(status.value) for status in INDEXED_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names} FROM {_quoted(Article)} WHERE id IN ({', '.join(['%s'] * len(ids))}) "
            f"AND status IN ({', '.join(['%s'] * len(statuses))}) AND published_at IS NOT NULL",
            [*ids, *statuses],
        )
        rows = cursor.fetchall()
    found = []
    for pk, title, standfirst, body, when, language, section_id in rows:
        for convert in converters:
            when = convert(when, column, connection)
        found.append((pk, title, standfirst, body, when, language, section_id))
    return found


def _ordered(ids: Iterable[int]) -> tuple[int, ...]:
    """Return ``ids`` once each, smallest first: a document is the same however it was read."""
    return tuple(sorted(set(ids)))


def _documents(rows: list[tuple], *, dense: bool = False) -> list[Document]:
    if not rows:
        return []
    links = _links(rows, dense=dense)
    docs = []
    for pk, title, standfirst, body, published_at, language, section_id in rows:
        docs.append(
            Document(
                article_id=pk,
                published_at=published_at,
                language=language,
                title=title,
                body=body,
                standfirst=standfirst,
                section_id=section_id,
                section_ids=_ordered(links["s"].get(pk, ())),
                tag_ids=_ordered(links["t"].get(pk, ())),
                place_ids=_ordered(links["p"].get(pk, ())),
                author_ids=_ordered(links["a"].get(pk, ())),
            )
        )
    return docs


def indexable():
    """Return the articles that belong in the index (published or scheduled, with a date)."""
    return Article.objects.filter(status__in=INDEXED_STATUSES, published_at__isnull=False)


def documents_for(article_ids: Iterable[int]) -> tuple[list[Document], list[int]]:
    """Return the documents of ``article_ids`` and the ids that must leave the index."""
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    docs: list[Document] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        docs.extend(_documents(_article_rows(chunk)))
    kept = {d.article_id for d in docs}
    return docs, [i for i in ids if i not in kept]


def documents_all(*, batch: int = 2000) -> Iterator[list[Document]]:
    """Yield every indexable article as documents, ``batch`` at a time, in id order."""
    last = 0
    while True:
        rows = list(indexable().filter(id__gt=last).order_by("id").values_list(*_FIELDS)[:batch])
        if not rows:
            return
        last = rows[-1][0]
        yield _documents(rows, dense=True)


def documents_written(written: Iterable[ArticleWritten]) -> tuple[list[Document], list[int]]:
    """Return the documents of articles a bulk write just stored, and the ids that must leave.

    The same documents as :func:`documents_for` of their ids, without reading
    the rows back (a sixth of a bulk load's writing time, measured); only the
    countries of their places are read.
    """
    written = list(written)
    places = {p for w in written for p in w.place_ids}
    countries = dict(
        Place.objects.filter(pk__in=places, country__isnull=False).values_list("pk", "country_id")
    )
    docs, gone = [], []
    for w in written:
        if w.status not in INDEXED_STATUSES or w.published_at is None:
            gone.append(w.id)
            continue
        docs.append(
            Document(
                article_id=w.id,
                published_at=w.published_at,
                language=w.language,
                title=w.title,
                body=w.body,
                standfirst=w.standfirst,
                section_id=w.section_id,
                section_ids=_ordered(w.section_ids),
                tag_ids=_ordered(w.tag_ids),
                place_ids=_ordered(
                    (*w.place_ids, *(countries[p] for p in w.place_ids if p in countries))
                ),
                author_ids=_ordered(w.author_ids),
            )
        )
    return docs, gone
