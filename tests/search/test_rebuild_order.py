"""``dastan search rebuild`` feeds the index in document-key order (its fastest write order)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dastan.search.backends.base import doc_key
from dastan.search.management.commands.search import _id_batches
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_batches_follow_edition_then_time_not_article_ids():
    """Newer articles created first and a Russian one in between still come out in key order."""
    now = timezone.now()
    articles = [
        ArticleFactory(published_at=now - dt.timedelta(days=1)),
        ArticleFactory(published_at=now - dt.timedelta(days=3), language="ru"),
        ArticleFactory(published_at=now - dt.timedelta(days=5)),
        ArticleFactory(published_at=now - dt.timedelta(days=2)),
    ]
    batches = list(_id_batches(size=3))
    assert [len(b) for b in batches] == [3, 1]
    expected = sorted(articles, key=lambda a: doc_key(a.published_at, a.pk, a.language))
    assert [pk for batch in batches for pk in batch] == [a.pk for a in expected]
    assert expected[-1].language == "ru"
