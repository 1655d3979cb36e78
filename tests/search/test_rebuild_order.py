"""``dastan search rebuild`` feeds the index in document-key order (its fastest write order)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from dastan.search.backends import get_backend
from dastan.search.backends.base import doc_key
from dastan.search.documents import documents_for
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


@pytest.mark.django_db
def test_rebuild_spanning_several_transactions_indexes_everything(monkeypatch):
    """A rebuild commits every BUILD_TRANSACTION rows; no batch is lost between commits."""
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 build settings")
    from dastan.search.backends import sqlite_fts5

    monkeypatch.setattr(sqlite_fts5, "BUILD_TRANSACTION", 2)
    articles = ArticleFactory.create_batch(5)
    backend = get_backend()
    backend.remove([a.pk for a in articles])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        secure_delete = cursor.fetchone()[0]
    docs, _ = documents_for([a.pk for a in articles])
    assert backend.rebuild([[doc] for doc in docs]) == 5
    assert set(backend.indexed()) == {a.pk for a in articles}
    with connection.cursor() as cursor:
        # The rebuild frees pages without zeroing them, then restores the setting.
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == secure_delete
        cursor.execute(f"SELECT v FROM {sqlite_fts5.FTS}_config WHERE k = 'hashsize'")
        assert cursor.fetchone()[0] == sqlite_fts5.LIVE_MERGING["hashsize"]
