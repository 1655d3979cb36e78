"""Build index documents from articles: the one place search reads the content model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from dastan.content.models import Article, ArticleAuthor, Place
from dastan.content.signals import ArticleWritten
from dastan.search.backends.base import Document

# Only these can ever be public; the rest are kept out of the index entirely.
INDEXED_STATUSES = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)
_FIELDS = ("id", "title", "standfirst", "body", "published_at", "language", "section_id")


def _links(rows: list[tuple], *, dense: bool) -> dict[str, dict[int, list[int]]]:
    """Return ``{kind: {article_id: [linked ids]}}`` for the articles of ``rows``.

    ``dense`` rows are every indexable article of an id range: their links are
    read by range, which costs the ORM far less than an ``IN`` of 2,000 ids
    (half the time of ``dastan search check``, measured); links of articles
    in the range but not in ``rows`` are read and never used.
    """
    ids = [row[0] for row in rows]
    if dense:
        wanted = {"article_id__gte": ids[0], "article_id__lte": ids[-1]}
    else:
        wanted = {"article_id__in": ids}
    found: dict[str, dict[int, list[int]]] = {k: defaultdict(list) for k in ("s", "t", "p", "a")}
    for kind, through, column in (
        ("s", Article.sections.through, "section_id"),
        ("t", Article.tags.through, "tag_id"),
    ):
        for article_id, other in through.objects.filter(**wanted).values_list("article_id", column):
            found[kind][article_id].append(other)
    # A place's country is indexed with it, so that filtering by a country finds
    # articles about its cities, as the country's place page lists them.
    for article_id, place_id, country_id in Article.places.through.objects.filter(
        **wanted
    ).values_list("article_id", "place_id", "place__country_id"):
        found["p"][article_id].append(place_id)
        if country_id:
            found["p"][article_id].append(country_id)
    for article_id, author_id in ArticleAuthor.objects.filter(**wanted).values_list(
        "article_id", "author_id"
    ):
        found["a"][article_id].append(author_id)
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
        rows = list(indexable().filter(id__in=chunk).order_by().values_list(*_FIELDS))
        docs.extend(_documents(rows))
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
