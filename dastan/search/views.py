"""The reader's search page, ``/search/?q=...``: always a page, never an error."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dastan.content.models import Author, Place, Section, Tag
from dastan.content.versioning import edition_key
from dastan.editions.addresses import edition_current, edition_url
from dastan.editions.conf import edition_codes, editions_all
from dastan.search.backends.base import Filters
from dastan.search.query import parse
from dastan.search.selectors import article_search, edition_counts, latest_articles
from dastan.web.decorators import read_only
from dastan.web.paging import page_number_or_404
from dastan.web.surrogates import page_keys_add

FILTER_MODELS = {"section": Section, "tag": Tag, "place": Place, "author": Author}
KEPT_PARAMS = ("q", "sort", "lang", "section", "tag", "place", "author", "from", "to")


def _date(raw: str | None, *, end: bool = False) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return timezone.make_aware(moment)


def _language(request: HttpRequest) -> str | None:
    """Return the edition to search: ``lang`` if valid, ``all`` for every one, else the page's."""
    wanted = request.GET.get("lang", "")
    if wanted == "all":
        return None
    if wanted in edition_codes():
        return wanted
    return edition_current(request)


def _filters(request: HttpRequest) -> tuple[Filters, dict]:
    ids, chosen = {}, {}
    for name, model in FILTER_MODELS.items():
        # PostgreSQL refuses NUL and friends in a query: keep printable characters only.
        slug = "".join(c for c in request.GET.get(name, "")[:200] if c.isprintable()).strip()
        if slug:
            obj = model.objects.filter(slug=slug).first()
            # An unknown slug narrows to nothing rather than being ignored.
            ids[name] = obj.pk if obj else 0
            chosen[name] = obj or slug
    filters = Filters(
        language=_language(request),
        start=_date(request.GET.get("from")),
        end=_date(request.GET.get("to"), end=True),
        **ids,
    )
    return filters, chosen


@read_only
def search(request: HttpRequest) -> HttpResponse:
    """Show ranked results for ``q`` with paging, filters and per-section counts."""
    page = page_number_or_404(request)
    raw = request.GET.get("q", "")
    query = parse(raw)
    order = "date" if request.GET.get("sort") == "date" else "relevance"
    filters, chosen = _filters(request)
    kept = {k: request.GET[k][:300] for k in KEPT_PARAMS if request.GET.get(k)}
    edition = edition_current(request)
    # Results may come from, and counts are given for, every edition: any publish expires it.
    page_keys_add(edition_key("search", code) for code in edition_codes())
    # The same search on each edition's page (the switcher); a chosen language stays chosen.
    alternates = {
        code: edition_url("search:search", code) + (f"?{urlencode(kept)}" if kept else "")
        for code in edition_codes()
    }
    context = {
        "editions": editions_all(),
        "alternates": alternates,
        "query": raw[:300],
        "order": order,
        "language": filters.language or "all",
        "chosen": chosen,
        "query_string": urlencode(kept),
        "base_query": urlencode({k: v for k, v in kept.items() if k != "section"}),
    }
    if query.is_empty:
        context.update(
            page_obj=None, latest=latest_articles(edition=edition) if raw.strip() else []
        )
        return render(request, "search/results.html", context)
    page_obj = article_search(query, filters=filters, order=order, page=page)
    context["page_obj"] = page_obj
    if not page_obj.articles and not (page_obj.too_deep or page_obj.past_end):
        context["latest"] = latest_articles(edition=edition)
        context["other_editions"] = _other_editions(query, filters, kept)
    return render(request, "search/results.html", context)


def _other_editions(query, filters: Filters, kept: dict) -> list[dict]:
    """Return the editions other than the one searched that have matches, with their counts.

    Each links to the same search on that edition's page. Nothing when every
    edition was searched already.
    """
    if filters.language is None:
        return []
    others = [e for e in editions_all() if e.code != filters.language]
    counts = edition_counts(query, filters=filters, editions=[e.code for e in others])
    params = {k: v for k, v in kept.items() if k != "lang"}
    found = []
    for e in others:
        total, exact = counts[e.code]
        if total:
            url = edition_url("search:search", e.code) + f"?{urlencode(params)}"
            found.append({"edition": e, "count": total, "exact": exact, "url": url})
    return found
