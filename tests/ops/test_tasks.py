"""The jobs themselves: rates per bank and the search check, on recorded answers."""

from __future__ import annotations

import pytest

from dastan.content.models import Article
from dastan.ops.jobs.tasks import JobFailed, rates_fetch, search_check
from dastan.rates.models import RateObservation
from dastan.search.backends import get_backend
from tests.factories import ArticleFactory
from tests.rates.conftest import Banks

pytestmark = pytest.mark.django_db


@pytest.fixture
def banks(monkeypatch: pytest.MonkeyPatch, settings) -> Banks:
    """Every bank answers with its recorded response; no retry waits."""
    settings.DASTAN_RATES = {"RETRIES": 1, "BACKOFF": 0}
    fake = Banks()
    monkeypatch.setattr("dastan.rates.services.rates_client", fake.client)
    return fake


class RatesFetchTests:
    def test_one_bank_is_fetched_and_stored(self, banks):
        summary = rates_fetch("nbk")
        assert summary.startswith(f"{RateObservation.objects.filter(source='nbk').count()} new")
        assert banks.hits("nbk") >= 1 and banks.hits("cbu") == 0

    def test_a_failing_bank_fails_the_job_after_the_fallback_stands_in(self, banks):
        banks.answer("nbk", 503)
        with pytest.raises(JobFailed, match="nbk"):
            rates_fetch("nbk")
        assert banks.hits("erapi") == 1
        assert RateObservation.objects.filter(source="erapi", quote="KZT").exists()

    def test_the_peg_covers_tmt_when_cbt_fails(self, banks):
        banks.answer("cbt", 503)
        with pytest.raises(JobFailed, match="cbt"):
            rates_fetch("cbt", "fixed")
        assert banks.hits("erapi") == 0
        assert RateObservation.objects.filter(source="fixed", quote="TMT").exists()


class SearchCheckTests:
    def test_an_article_the_index_missed_is_indexed(self):
        article = ArticleFactory(title="Steppe railway opens")
        Article.objects.filter(pk=article.pk).update(title="Steppe railway reopens")
        get_backend().remove([article.pk])
        summary = search_check()
        assert "missing: 1" in summary and "Repaired." in summary
        assert "The index matches the articles." in search_check()
