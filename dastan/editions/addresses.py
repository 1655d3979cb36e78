"""Addresses across editions: one object or view in another edition, and a page's alternates.

Every edition serves the same URL patterns under its own prefix, so a page's
address in another edition is its view reversed with that edition active.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from dastan.editions.conf import edition_code, edition_codes


def edition_current(request: HttpRequest | None = None) -> str:
    """Return the edition of ``request`` (set by ``EditionMiddleware``), else the active one."""
    code = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return edition_code(code)


def edition_url(target: object, code: str, /, **kwargs: object) -> str:
    """Return the address of ``target`` (a model or a view name) in edition ``code``.

    An article has one address, in its own edition, whatever ``code`` is.
    A view name that cannot be reversed gives ''.
    """
    with translation.override(edition_code(code)):
        if hasattr(target, "get_absolute_url"):
            return target.get_absolute_url()
        try:
            return reverse(str(target), kwargs=kwargs or None)
        except NoReverseMatch:
            return ""


def edition_home(code: str) -> str:
    return edition_url("web:home", code)


def page_alternates(request: HttpRequest) -> dict[str, str]:
    """Return the address of the page being read in every edition ({} off the reader site).

    A listing (a section, an archive, the markets page) exists in every
    edition under the same view and arguments.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return {}
    found = {code: edition_url(match.view_name, code, **match.kwargs) for code in edition_codes()}
    return {code: url for code, url in found.items() if url}
