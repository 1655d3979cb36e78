"""Read side of search: run a reader's query and return a page ready for a template."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from django.utils import timezone
from django.utils.safestring import mark_safe

from dastan.content.conf import site_setting
from dastan.content.models import Article, Section
from dastan.content.selectors import Card, cards_of, cards_public
from dastan.search import text
from dastan.search.backends import get_backend
from dastan.search.backends.base import Filters
from dastan.search.conf import search_setting
from dastan.search.query import Query


@dataclass(frozen=True, slots=True)
class Result:
    """A found article's card and its highlighted snippet (safe HTML)."""

    card: Card
    snippet: str


@dataclass
class SearchPage:
    """One page of results in the shape the site's pager and cards expect.

    ``paginator`` is the page itself (``num_pages``, ``count``) so that
    ``components/pager.html`` works unchanged. ``exact`` says whether ``total``
    is a count or an estimate ("about"), ``sections_exact`` the same of the
    section counts ("~"). ``past_end`` is a page after the last one of a search
    that does find articles. ``articles`` are the page's ``Result``s.
    """

    number: int
    per_page: int
    total: int
    exact: bool
    articles: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    sections_exact: bool = True
    too_deep: bool = False
    past_end: bool = False

    def __iter__(self):
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    @property
    def paginator(self) -> SearchPage:
        return self

    @property
    def count(self) -> int:
        return self.total

    @property
    def num_pages(self) -> int:
        reachable = min(self.total, search_setting("MAX_RESULTS"))
        return max(1, math.ceil(reachable / self.per_page))

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.articles else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.articles)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def last_page(self) -> int:
        """Return the page to offer past the end: the last one when the count is exact."""
        return self.num_pages if self.exact else 1


def max_page(per_page: int) -> int:
    """Return the deepest page a reader may ask for."""
    return max(1, math.ceil(search_setting("MAX_RESULTS") / per_page))


def _results(ids: list[int], query: Query, now) -> list[Result]:
    """Return the public articles among ``ids`` in that order, each with its snippet.

    Being public is checked again here (the last guard against a 404); the text a snippet
    is cut from is read with each card's row.
    """
    found = cards_of(Article.objects.public(now=now).filter(id__in=ids), "standfirst", "body")
    texts = {card.pk: (card, standfirst, body) for card, (standfirst, body) in found}
    terms, names = _wanted(query)
    results = []
    for pk in ids:
        if pk in texts:
            card, standfirst, body = texts[pk]
            source = f"{standfirst}\n{text.html_to_text(body)}"
            results.append(Result(card, mark_safe(text.highlight(source, terms, names))))
    return results


def _wanted(query: Query) -> tuple[set[str], set[str]]:
    words = query.positive_words()
    return {text.term(w) for w in words} - {""}, {text.name_key(w) for w in words} - {""}


def article_search(
    query: Query, *, filters: Filters, order: str = "relevance", page: int = 1
) -> SearchPage:
    """Return the ``page``-th page of public articles matching ``query``, with snippets."""
    per_page = site_setting("PAGE_SIZE")
    if page > max_page(per_page):
        return SearchPage(number=page, per_page=per_page, total=0, exact=True, too_deep=True)
    now = timezone.now()
    offset = (page - 1) * per_page
    results = get_backend().search(
        query, filters=filters, now=now, order=order, offset=offset, limit=per_page
    )
    total, exact = _shown_total(results.total, results.exact, offset, len(results.ids), per_page)
    articles = _results(results.ids, query, now)
    sections = Section.objects.in_bulk([s for s, _ in results.sections])
    return SearchPage(
        number=page,
        per_page=per_page,
        total=total,
        exact=exact,
        articles=articles,
        sections=[(sections[s], n) for s, n in results.sections if s in sections],
        sections_exact=results.sections_exact,
        past_end=not results.ids and page > 1 and total > 0,
    )


def _shown_total(
    total: int, exact: bool, offset: int, found: int, per_page: int
) -> tuple[int, bool]:
    """Return the total to show and whether it is exact, consistent with the page shown.

    A page that is not full is the last one: the matches end there, so the
    total is known exactly, whatever was estimated. Otherwise the total is at
    least what this page reaches ("of about 40" under "results 37 - 42" reads wrong).
    """
    if not found:
        return total, exact
    if found < per_page:
        return offset + found, True
    return max(total, offset + found), exact


def latest_articles(*, edition: str, limit: int = 6) -> list[Card]:
    """Return an edition's newest listed public articles (offered when a search finds nothing)."""
    return cards_public(edition=edition)[:limit]


def edition_counts(
    query: Query, *, filters: Filters, editions: list[str]
) -> dict[str, tuple[int, bool]]:
    """Return, per edition, how many public articles match ``query`` and whether that is exact.

    The other filters (section, dates) stay as the reader set them.
    """
    now = timezone.now()
    backend = get_backend()
    return {
        code: backend.count(query, filters=replace(filters, language=code), now=now)
        for code in editions
    }
