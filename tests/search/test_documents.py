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


class DocumentsForTests:
    def test_the_documents_hold_what_is_stored(self, django_assert_num_queries):
        """An article's text, time, edition and links are read in five statements a batch."""
        country = PlaceFactory(name="Kazakhstan", kind=Place.Kind.COUNTRY)
        PlaceFactory(name="Almaty", country=country)
        result = articles_upsert([record("a", places=["Almaty"]), record("b", language="ru")])
        with django_assert_num_queries(5):
            docs, gone = documents_for(sorted(result.created))
        assert gone == []
        by_slug = {slug: d for d in docs for slug, pk in result.ids.items() if pk == d.article_id}
        first = by_slug["a"]
        assert first.published_at == WHEN and first.published_at.tzinfo is not None
        assert (first.title, first.standfirst) == ("Som steadies a", "Markets")
        assert first.language == "en"
        assert first.body == "<p>The som held steady.</p>"
        assert len(first.section_ids) == 2 and first.section_id in first.section_ids
        assert len(first.tag_ids) == 2 and len(first.author_ids) == 2
        assert country.pk in first.place_ids and len(first.place_ids) == 2
        assert by_slug["b"].language == "ru"

    def test_articles_that_cannot_be_public_must_leave(self):
        """A draft, an article without a date and an unknown id are not documents."""
        result = articles_upsert([record("a"), record("b", status="draft")])
        docs, gone = documents_for([result.ids["a"], result.ids["b"], 999_999])
        assert [d.article_id for d in docs] == [result.ids["a"]]
        assert gone == [result.ids["b"], 999_999]
