"""Paging for reader listings: "Viewing results 1 - 6 of 138", and a 404 for a bad page."""

from __future__ import annotations

import re

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest

from dastan.content.conf import site_setting

# ASCII digits only: str.isdigit() and int() also take "²" or "٣" (the first
# then fails in int(), a 500), and one address must not have several spellings.
# Six digits is a million pages, deeper than any listing or search goes.
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}")


def page_number(raw: str | None) -> int | None:
    """Return the page a ``?page=`` value asks for (1 when absent), or ``None`` if it names none.

    Every reader page parses its page number here, and ``None`` answers 404,
    as Django's ``ListView`` does for a page that is not a number.
    """
    if raw is None or raw == "":
        return 1
    if not _PAGE_NUMBER.fullmatch(raw):
        return None
    number = int(raw)
    return number if number >= 1 else None


def page_number_or_404(request: HttpRequest) -> int:
    """Return the ``?page=`` of ``request``; a value that is not a page number is a 404."""
    number = page_number(request.GET.get("page"))
    if number is None:
        raise Http404("No such page")
    return number


def paginate(request: HttpRequest, object_list, *, per_page: int | None = None) -> Page:
    """Return the requested page of ``object_list``.

    ``?page=abc`` and ``?page=99999`` are addresses that do not exist, so they
    answer 404 (as Django's own ListView does), never 500.
    """
    number = page_number_or_404(request)
    paginator = Paginator(object_list, per_page or site_setting("PAGE_SIZE"))
    try:
        return paginator.page(number)
    except InvalidPage as exc:
        raise Http404(f"No such page: {exc}") from exc
