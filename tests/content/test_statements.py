"""A statement is compiled once per connection and runs again with a new key."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from dastan.content.models import Correction, Tag
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

        statement = Statement(build)
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
            )
        )
        ((created, published),) = statement.rows(note.article_id)
        assert created == Correction.objects.get(pk=note.pk).created_at
        assert isinstance(published, dt.datetime) and published.tzinfo is not None

    def test_a_query_without_the_key_is_refused(self):
        statement = Statement(lambda key: Tag.objects.values_list("name"))
        with pytest.raises(ValueError):
            statement.rows(1)
