"""The search page's read side: the shown total always agrees with the page shown."""

from __future__ import annotations

import pytest

from dastan.content.models import Article
from dastan.search import selectors
from dastan.search.backends.base import Filters, Results
from dastan.search.query import parse
from tests.factories import ArticleFactory


class StubBackend:
    """A backend that answers every search with the same results."""

    def __init__(self, results: Results) -> None:
        self.results = results

    def search(self, query, **kwargs) -> Results:
        return self.results


@pytest.fixture
def answer(monkeypatch):
    def install(**results) -> None:
        backend = StubBackend(Results(**results))
        monkeypatch.setattr(selectors, "get_backend", lambda: backend)

    return install


def page(number: int) -> selectors.SearchPage:
    return selectors.article_search(parse("court"), filters=Filters(), page=number)


@pytest.mark.django_db
class ShownTotalTests:
    def test_an_estimate_below_the_page_is_raised_to_it(self, answer):
        """An estimate of 8 under a full second page shows at least 12, still as an estimate."""
        made = ArticleFactory.create_batch(6)
        answer(ids=[a.pk for a in made], total=8, exact=False)
        second = page(2)
        assert second.end_index() == 12
        assert (second.total, second.exact) == (12, False)

    def test_a_short_page_is_the_last_one_and_its_total_is_exact(self, answer):
        """Two results on page 2 end the matches: 8 in all, whatever the estimate said."""
        made = ArticleFactory.create_batch(2)
        answer(ids=[a.pk for a in made], total=4000, exact=False)
        second = page(2)
        assert (second.total, second.exact) == (8, True)
        assert second.num_pages == 2 and not second.has_next()

    def test_past_the_end_of_an_estimate_offers_the_first_page(self, answer):
        """With no exact count to go by, a page past the end links to the first page."""
        answer(ids=[], total=40, exact=False)
        far = page(5)
        assert far.past_end and far.last_page == 1

    def test_past_the_end_of_an_exact_count_offers_the_last_page(self, answer):
        """With an exact count, a page past the end links to the last page."""
        answer(ids=[], total=8, exact=True)
        far = page(5)
        assert far.past_end and far.last_page == 2

    def test_section_counts_keep_their_own_exactness(self, answer):
        """Scaled section counts are estimates even when the total is exact."""
        article = ArticleFactory()
        answer(
            ids=[article.pk],
            total=1,
            sections=[(article.section_id, 1)],
            sections_exact=False,
        )
        first = page(1)
        assert first.exact and not first.sections_exact
        assert first.sections == [(article.section, 1)]


@pytest.mark.django_db
class ResultTests:
    def test_results_keep_the_backends_order_and_leave_out_what_is_not_public(
        self, answer, models_built
    ):
        """Cards come as rows in ranking order; an article unpublished since is left out."""
        first, gone, last = ArticleFactory.create_batch(3)
        Article.objects.filter(pk=gone.pk).update(status=Article.Status.DRAFT)
        answer(ids=[last.pk, gone.pk, first.pk], total=3, exact=True)
        models_built.clear()
        found = page(1)
        assert [r.card.pk for r in found] == [last.pk, first.pk]
        assert [r.card.title for r in found] == [last.title, first.title]
        assert models_built == []

    def test_a_snippet_marks_the_words_searched_in_the_body(self, answer):
        article = ArticleFactory(body="<p>The supreme <b>court</b> ruled on Tuesday.</p>")
        answer(ids=[article.pk], total=1, exact=True)
        (result,) = page(1)
        assert "<mark>court</mark>" in result.snippet
        assert "<b>" not in result.snippet
