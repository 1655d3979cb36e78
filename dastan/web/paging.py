"""Paging for reader listings: "Viewing results 1 - 6 of 138", and a 404 for a bad page."""

from __future__ import annotations

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest

from dastan.content.conf import site_setting


def paginate(request: HttpRequest, object_list, *, per_page: int | None = None) -> Page:
    """Return the requested page of ``object_list``.

    ``?page=abc`` and ``?page=99999`` are addresses that do not exist, so they
    answer 404 (as Django's own ListView does), never 500.
    """
    paginator = Paginator(object_list, per_page or site_setting("PAGE_SIZE"))
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(f"No such page: {exc}") from exc
