"""Index documents: read from the rows, or taken from what a bulk write stored."""

from __future__ import annotations

import datetime as dt

import pytest

from dastan.content.models import Place
from dastan.content.services import ArticleRecord, articles_upsert
from dastan.content.signals import articles_changed
from dastan.search.documents import documents_for, documents_written
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2025, 4, 3, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def written() -> list:
    """Collect the ``written`` payload of every ``articles_changed`` sent."""
    found: list = []

    def receive(sender, written=None, **kwargs) -> None:
        found.extend(written or ())

    articles_changed.connect(receive, dispatch_uid="test.documents.written")
    yield found
    articles_changed.disconnect(dispatch_uid="test.documents.written")


def record(slug: str, **fields) -> ArticleRecord:
    values = {
        "title": f"Som steadies {slug}",
        "body": "<p>The som held steady.</p>",
        "standfirst": "Markets",
        "authors": ["Aida K", "Bek T"],
        "sections": ["Economy", "Politics", "Economy"],
        "tags": ["som", "inflation", "som"],
        "places": ["Bishkek", "Osh"],
        "published_at": WHEN,
    }
    return ArticleRecord(slug=slug, **{**values, **fields})


class DocumentsWrittenTests:
    def test_a_bulk_write_gives_the_documents_read_back_from_its_rows(self, written):
        """Documents made from a bulk write's payload equal those read from the database."""
        country = PlaceFactory(name="Kyrgyzstan", kind=Place.Kind.COUNTRY)
        PlaceFactory(name="Bishkek", country=country)
        result = articles_upsert(
            [record("a"), record("b", tags=[], places=[]), record("c", status="draft")]
        )
        ids = sorted(result.created)
        assert sorted(w.id for w in written) == ids
        docs, gone = documents_written(written)
        assert (sorted(docs, key=lambda d: d.article_id), sorted(gone)) == documents_for(ids)
        (first,) = [d for d in docs if d.article_id == result.ids["a"]]
        assert country.pk in first.place_ids and len(first.place_ids) == 3

    def test_an_update_gives_the_links_it_kept(self, written):
        """A line that leaves a link kind out keeps the stored links, and the payload says so."""
        articles_upsert([record("a")])
        written.clear()
        articles_upsert([record("a", title="Som slips", links=frozenset({"tags"}), tags=["som"])])
        (article_id,) = [w.id for w in written]
        docs, _ = documents_written(written)
        assert docs == documents_for([article_id])[0]
        assert docs[0].title == "Som slips" and len(docs[0].author_ids) == 2
