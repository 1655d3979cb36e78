"""Activate the edition the address names, and nothing else decides it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from dastan.editions.conf import edition_default


class EditionMiddleware:
    """Activate the edition of the path's prefix (``/ru/...``), else the default edition.

    Unlike Django's ``LocaleMiddleware``, neither ``Accept-Language`` nor a cookie
    picks the edition: ``/`` is always the default edition, so every edition has
    one stable address for readers, crawlers and shared caches, and no response
    needs ``Vary: Accept-Language`` (see docs/editions.md). The back office
    (``/admin/``, unprefixed) starts in the default language too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = translation.get_language_from_path(request.path_info) or edition_default()
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
