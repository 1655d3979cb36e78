"""What only the PostgreSQL backend does: time buckets, marks, slices and the in-place upgrade.

The contract every backend keeps is in ``test_backends.py``; these tests check
the machinery behind it on PostgreSQL (``make test-postgres``), except the
bucket arithmetic, which needs no database.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from dastan.search.backends import get_backend, postgres
from dastan.search.backends.base import ID_BITS, TIME_BITS, Filters, doc_key, key_seconds
from dastan.search.documents import documents_for
from dastan.search.query import parse
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.search.test_backends import ago, ids


class BucketTests:
    def test_cover_is_exact_aligned_and_small(self):
        """A cover holds each level-0 bucket of the range once, in aligned blocks, few of them."""
        rng = random.Random(20261125)
        fanout, levels = postgres.BUCKET_FANOUT, len(postgres.BUCKET_SHIFTS)
        for _ in range(300):
            lower = rng.randrange(0, 1 << 14)
            upper = lower + rng.choice([0, 1, 7, 8, 63, 500, 5000, 40000])
            parts = postgres.cover(lower, upper)
            covered = []
            for level, index in parts:
                size = fanout**level
                covered.extend(range(index * size, (index + 1) * size))
            assert covered == list(range(lower, upper + 1))
            top = fanout ** (levels - 1)
            assert len(parts) <= 2 * (fanout - 1) * (levels - 1) + (upper - lower) // top + 1

    def test_bucket_marks_name_the_cover_buckets(self):
        """A document's marks are the buckets, at every level, that a cover of its time names."""
        when = dt.datetime(2024, 3, 9, 12, tzinfo=dt.UTC)
        key = doc_key(when, 42, "ru")
        first = key_seconds(key) >> postgres.BUCKET_SHIFTS[0]
        code = key >> (TIME_BITS + ID_BITS)
        assert postgres.bucket_marks(key)[0] == f"~{code}.0.{first}"
        for level, index in postgres.cover(first - 1000, first + 1000):
            size = postgres.BUCKET_FANOUT**level
            if index * size <= first < (index + 1) * size:
                assert postgres.bucket_marks(key)[level] == f"~{code}.{level}.{index}"
                break
        else:
            pytest.fail("no bucket of the cover holds the document")


@pytest.mark.postgres
@pytest.mark.django_db
class PostgresSliceTests:
    def test_newest_first_across_many_slices(self, monkeypatch):
        """Matches spread over twelve years come back newest first at any depth."""
        monkeypatch.setattr(postgres.SearchBackend, "count_bound", 10)
        days = random.Random(7).sample(range(1, 12 * 365), 40)
        made = {ArticleFactory(title="Saiga herd", published_at=ago(days=d)).pk: d for d in days}
        ArticleFactory(title="Other news", published_at=ago(days=5))
        newest = sorted(made, key=made.__getitem__)
        assert ids("saiga", order="date", limit=25) == newest[:25]
        assert ids("saiga", order="date", offset=30, limit=10) == newest[30:]
        assert set(ids("saiga")) == set(made)

    def test_count_is_exact_to_the_bound_then_extrapolated(self, monkeypatch):
        """Up to the bound the count is exact; past it, the span of the newest matches is scaled."""
        monkeypatch.setattr(postgres.SearchBackend, "count_bound", 10)
        for i in range(10):
            ArticleFactory(title="Ibex", published_at=ago(days=30 * i + 1))
        backend, now = get_backend(), timezone.now()
        assert backend.count(parse("ibex"), filters=Filters(), now=now) == (10, True)
        for i in range(10, 40):
            ArticleFactory(title="Ibex", published_at=ago(days=30 * i + 1))
        total, exact = backend.count(parse("ibex"), filters=Filters(), now=now)
        assert not exact and 30 <= total <= 50

    def test_rare_old_matches_are_reached(self):
        """A word found only years back, below thousands of newer articles' buckets, is found."""
        old = ArticleFactory(title="Tulip mania", published_at=ago(days=4000))
        for day in range(0, 60, 3):
            ArticleFactory(title="Daily news", published_at=ago(days=day))
        assert ids("tulip") == [old.pk]
        assert ids("tulip", order="date") == [old.pk]

    def test_filter_tokens_are_not_words(self):
        """An article that writes "S12" or "A7" is not filed under section 12 or author 7."""
        section, author = SectionFactory(), AuthorFactory()
        ArticleFactory(title="Road news", body=f"<p>Road A{author.pk} and bus S{section.pk}.</p>")
        filed = ArticleFactory(title="Road news", section=section, authors=[author])
        assert ids("road", section=section.pk) == [filed.pk]
        assert ids("road", author=author.pk) == [filed.pk]

    def test_search_reads_the_same_as_count(self):
        """A page's total and a separate count agree (the page shares one collection)."""
        for i in range(5):
            ArticleFactory(title="Kulan", published_at=ago(days=i * 200 + 1))
        backend, now = get_backend(), timezone.now()
        page = backend.search(parse("kulan"), filters=Filters(), now=now, limit=2)
        assert (page.total, page.exact) == backend.count(parse("kulan"), filters=Filters(), now=now)
        assert (page.total, len(page.ids)) == (5, 2)


@pytest.mark.postgres
@pytest.mark.django_db
class PostgresUpgradeTests:
    def test_table_from_before_marks_is_converted_in_place(self):
        """install() turns the old layout (filter tokens as weight-D words) into the new one."""
        section = SectionFactory()
        made = [
            ArticleFactory(title="Camel race", section=section, published_at=ago(days=40)),
            ArticleFactory(title="Camel fair", language="ru", published_at=ago(days=900)),
        ]
        docs, _ = documents_for([a.pk for a in made])
        columns = f"SELECT article_id, sections, tsv::text FROM {postgres.TABLE} ORDER BY 1"
        with connection.cursor() as cursor:
            cursor.execute(columns)
            fresh = cursor.fetchall()
            cursor.execute(f"DROP TABLE {postgres.TABLE}")
            cursor.execute(
                f"CREATE TABLE {postgres.TABLE} (article_id bigint PRIMARY KEY, "
                "doc bigint NOT NULL UNIQUE, section_id bigint, tsv tsvector NOT NULL)"
            )
            for doc in docs:
                row = postgres.prepare(doc)
                cursor.execute(
                    f"INSERT INTO {postgres.TABLE} VALUES (%s, %s, %s, "
                    "setweight(to_tsvector('dastan', %s), 'A') || "
                    "setweight(to_tsvector('dastan', %s), 'B') || "
                    "setweight(to_tsvector('simple', %s), 'C') || "
                    "setweight(to_tsvector('simple', %s), 'D'))",
                    [
                        doc.article_id,
                        doc.key,
                        doc.section_id,
                        *row[3:6],
                        " ".join(doc.filter_tokens()),
                    ],
                )
        get_backend().install()
        with connection.cursor() as cursor:
            cursor.execute(columns)
            assert cursor.fetchall() == fresh
        assert ids("camel", section=section.pk) == [made[0].pk]
        assert ids("camel", language="ru") == [made[1].pk]


@pytest.mark.postgres
@pytest.mark.django_db
class PostgresBulkLoadTests:
    def options(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reloptions FROM pg_class WHERE relname = %s", [postgres.TABLE + "_tsv"]
            )
            return cursor.fetchone()[0] or []

    def test_a_bulk_load_gathers_entries_then_merges_them(self):
        """Inside the block the GIN index takes a pending list; after it, none is left."""
        backend = get_backend()
        with backend.bulk_load():
            assert "fastupdate=on" in self.options()
            made = [ArticleFactory(title=f"Saiga census {i}") for i in range(3)]
        assert "fastupdate=off" in self.options()
        assert sorted(ids("saiga")) == sorted(a.pk for a in made)
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [postgres.TABLE + "_tsv"])
            assert cursor.fetchone()[0] == 0

    def test_an_error_inside_still_turns_the_list_off(self):
        """A load that fails leaves the live setting: searches never scan a pending list."""
        with pytest.raises(RuntimeError), get_backend().bulk_load():
            ArticleFactory(title="Saiga census")
            raise RuntimeError("disk full")
        assert "fastupdate=off" in self.options()
