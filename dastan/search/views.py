"""The reader's search page, ``/search/?q=...``: always a page, never an error."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from dastan.content.models import Author, Place, Section, Tag
from dastan.search.backends.base import Filters
from dastan.search.query import parse
from dastan.search.selectors import article_search, latest_articles
from dastan.web.decorators import read_only
from dastan.web.paging import page_number_or_404

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
    """Return the edition to search: ``lang`` if valid, ``all`` for every one, else the reader's."""
    known = {code for code, _ in settings.LANGUAGES}
    wanted = request.GET.get("lang", "")
    if wanted == "all":
        return None
    if wanted in known:
        return wanted
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return current if current in known else settings.LANGUAGE_CODE[:2]


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
    context = {
        "query": raw[:300],
        "order": order,
        "language": filters.language or "all",
        "chosen": chosen,
        "query_string": urlencode(kept),
        "base_query": urlencode({k: v for k, v in kept.items() if k != "section"}),
    }
    if query.is_empty:
        context.update(page_obj=None, latest=latest_articles() if raw.strip() else [])
        return render(request, "search/results.html", context)
    page_obj = article_search(query, filters=filters, order=order, page=page)
    context["page_obj"] = page_obj
    if not page_obj.articles and not (page_obj.too_deep or page_obj.past_end):
        context["latest"] = latest_articles()
    return render(request, "search/results.html", context)
