"""``dastan search rebuild`` and ``dastan search check``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase

from dastan.search.backends import get_backend
from tests.factories import ArticleFactory


@pytest.mark.django_db
class SearchCommandTests:
    def test_rebuild_reports_what_it_indexed(self):
        """``rebuild`` indexes every public article and says how many."""
        ArticleFactory.create_batch(3)
        out = StringIO()
        call_command("search", "rebuild", "--no-progress", "--workers", "0", stdout=out)
        assert "Indexed 3 articles" in out.getvalue()
        assert len(get_backend().indexed()) == 3

    def test_check_fails_on_a_miss_and_repair_fixes_it(self):
        """``check`` exits non-zero when the index misses an article; ``--repair`` fixes it."""
        article = ArticleFactory()
        get_backend().remove([article.pk])
        with pytest.raises(CommandError):
            call_command("search", "check", stdout=StringIO())
        out = StringIO()
        call_command("search", "check", "--repair", stdout=out)
        assert "missing: 1" in out.getvalue() and "Repaired" in out.getvalue()
        out = StringIO()
        call_command("search", "check", stdout=out)
        assert "matches the articles" in out.getvalue()


class ImapBoundedTests:
    def test_results_come_in_order_with_a_bounded_number_in_flight(self):
        """The writer never has more than ``ahead`` prepared batches waiting for it."""
        from dastan.search.management.commands.search import _imap_bounded

        submitted = []

        class Done:
            def __init__(self, value):
                self.value = value

            def get(self):
                return self.value

        class Pool:
            def apply_async(self, func, args):
                submitted.append(args[0])
                return Done(func(*args))

        seen = []
        for result in _imap_bounded(Pool(), lambda x: x * 10, iter(range(7)), ahead=2):
            seen.append(result)
            assert len(submitted) - len(seen) <= 2
        assert seen == [0, 10, 20, 30, 40, 50, 60]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's free pages")
class RebuildFreePagesTests(TransactionTestCase):
    def test_a_rebuild_leaves_no_free_pages_where_auto_vacuum_allows(self):
        """In a database made with auto_vacuum = INCREMENTAL the old index's pages go back."""
        ArticleFactory.create_batch(30)
        call_command("search", "rebuild", "--no-progress", "--workers", "0", stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA auto_vacuum")
            assert cursor.fetchone()[0] == 2
            cursor.execute("PRAGMA freelist_count")
            assert cursor.fetchone()[0] == 0
