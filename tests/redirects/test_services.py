"""Redirect writes: one site's import never takes over another site's old paths."""

from __future__ import annotations

import pytest

from dastan.redirects.models import LegacyRedirect
from dastan.redirects.services import RedirectRow, redirects_upsert
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


class RedirectsUpsertTests:
    def test_second_site_does_not_take_over_a_shared_path(self, client):
        """/?p=ID of the first site imported stays with it; the second is reported."""
        first, second = ArticleFactory(), ArticleFactory()
        outcome = redirects_upsert(
            [RedirectRow("/?p=12", LegacyRedirect.Kind.ARTICLE, article_id=first.pk)], site="a.kz"
        )
        assert outcome.written == 1
        outcome = redirects_upsert(
            [
                RedirectRow("/?p=12", LegacyRedirect.Kind.ARTICLE, article_id=second.pk),
                RedirectRow("/?p=13", LegacyRedirect.Kind.ARTICLE, article_id=second.pk),
            ],
            site="b.kz",
        )
        assert outcome.written == 1 and outcome.claimed == ["/?p=12"]
        assert client.get("/?p=12")["Location"] == first.get_absolute_url()
        # The same site importing again still updates its own row.
        redirects_upsert(
            [RedirectRow("/?p=12", LegacyRedirect.Kind.ARTICLE, article_id=second.pk)], site="a.kz"
        )
        assert client.get("/?p=12")["Location"] == second.get_absolute_url()

    def test_moved_site_takes_over_its_old_rows(self):
        """Rows of the blog's former address (``also``) pass to it."""
        first, second = ArticleFactory(), ArticleFactory()
        redirects_upsert(
            [RedirectRow("/?p=12", LegacyRedirect.Kind.ARTICLE, article_id=first.pk)], site="a.kz"
        )
        outcome = redirects_upsert(
            [RedirectRow("/?p=12", LegacyRedirect.Kind.ARTICLE, article_id=second.pk)],
            site="b.kz",
            also=["a.kz"],
        )
        assert outcome.written == 1 and outcome.claimed == []
        row = LegacyRedirect.objects.get(old_path="/?p=12")
        assert (row.site, row.article_id) == ("b.kz", second.pk)
