"""A statement is compiled once per connection and runs again with a new key."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F, IntegerField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dastan.content.models import Article, Correction, Section, Tag
from dastan.content.statements import Statement
from tests.factories import ArticleFactory, CorrectionFactory, TagFactory

pytestmark = pytest.mark.django_db


class StatementTests:
    def test_each_key_gets_its_own_rows_from_one_compilation(self, monkeypatch):
        one = ArticleFactory(tags=[TagFactory(name="water", names={"ru": "вода"})])
        two = ArticleFactory(tags=[TagFactory(name="dam")])
        built: list[int] = []

        def build(key: int):
            built.append(key)
            return Tag.objects.filter(articles=key).values_list("name", "names")

        statement = Statement(build, key=IntegerField())
        with CaptureQueriesContext(connection) as queries:
            first = statement.rows(one.pk)
            second = statement.rows(two.pk)
        assert first == [("water", {"ru": "вода"})]
        assert second == [("dam", {})]
        assert len(built) == 1
        assert len(queries.captured_queries) == 2

    def test_rows_are_converted_as_the_orm_converts_them(self):
        note = CorrectionFactory()
        statement = Statement(
            lambda key: Correction.objects.filter(article_id=key).values_list(
                "created_at", F("article__published_at")
            ),
            key=IntegerField(),
        )
        ((created, published),) = statement.rows(note.article_id)
        assert created == Correction.objects.get(pk=note.pk).created_at
        assert isinstance(published, dt.datetime) and published.tzinfo is not None

    def test_a_query_without_the_key_is_refused(self):
        statement = Statement(lambda key: Tag.objects.values_list("name"), key=IntegerField())
        with pytest.raises(ValueError):
            statement.rows(1)

    def test_a_time_key_is_written_as_its_column_is(self):
        now = timezone.now()
        ArticleFactory(slug="past", published_at=now - dt.timedelta(minutes=1))
        ArticleFactory(slug="soon", published_at=now + dt.timedelta(minutes=1))
        statement = Statement(
            lambda at: Article.objects.filter(published_at__gt=at).values_list("slug"),
            key=Article._meta.get_field("published_at"),
        )
        assert statement.rows(now) == [("soon",)]
        assert sorted(statement.rows(now - dt.timedelta(hours=1))) == [("past",), ("soon",)]
        assert statement.rows(now + dt.timedelta(hours=1)) == []

    def test_a_query_without_a_key_runs_as_it_is(self):
        Section.objects.create(name="Economy", slug="economy")
        statement = Statement(lambda: Section.objects.values_list("slug"))
        assert statement.rows() == [("economy",)]
