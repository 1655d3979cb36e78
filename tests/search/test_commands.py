"""``dastan search rebuild`` and ``dastan search check``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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
