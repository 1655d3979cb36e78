"""Slugs: the one rule every way in (imports, admin forms) applies, and safe addresses out.

A slug is Django's unicode slug (``validate_unicode_slug``: letters of any
script, digits, ``-`` and ``_``), so ``/новости/`` keeps working. A value
outside the rule (``ctrl\\x01recent``, ``jl?x=1#frag``, ``..``) is never
stored: ``slug_normalise`` makes a slug of it. A bad slug stored anyway (an
old database, a raw SQL edit) gets no address (``slug_reverse`` returns ''):
its object renders without a link instead of taking the page down.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container
from urllib.parse import quote, unquote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import slugify
from django.utils.translation import get_language

FALLBACK = "item"
# Django's ``slug_unicode_re`` (what ``SlugField(allow_unicode=True)`` accepts).
_SLUG = re.compile(r"^[-\w]+\Z")
_PERCENT_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
# A valid slug that no address holds: reversed once, then replaced by each real slug.
_MARKER = "dastan-slug-marker-4b1f"
# What Django's resolver leaves unquoted in a path (``URLResolver._reverse_with_prefix``).
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


def slug_is_valid(value: object) -> bool:
    """Return whether ``value`` is a slug by Django's unicode rule (what a URL can carry)."""
    return isinstance(value, str) and bool(value) and _SLUG.match(value) is not None


def slug_normalise(value: str, *, max_length: int = 200, fallback: str = FALLBACK) -> str:
    """Return ``value`` as a valid slug of at most ``max_length`` characters.

    A valid slug comes back unchanged (case included: a re-import must find
    the article it made before). Otherwise percent-encoding is decoded first
    (WordPress stores ``%d0%bf...`` for Cyrillic), then Django's ``slugify``
    keeps letters, digits, ``-`` and ``_``; nothing left gives ``fallback``.
    """
    value = value if isinstance(value, str) else str(value)
    if slug_is_valid(value) and len(value) <= max_length:
        return value
    if _PERCENT_ENCODED.search(value):
        value = unquote(value, errors="replace")
    slug = slugify(value, allow_unicode=True)[:max_length].strip("-_")
    return slug or fallback[:max_length]


def slug_with_suffix(base: str, taken: Container[str], *, max_length: int = 200) -> str:
    """Return ``base``, or ``base-2``, ``base-3`` ... : the first that is not in ``taken``."""
    slug, n = base[:max_length], 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].rstrip("-_") + suffix
        n += 1
    return slug


def slug_reverse(viewname: str, slug: object, **kwargs: object) -> str:
    """Return the address of ``viewname`` for ``slug``, or '' when the slug cannot have one.

    A stored slug outside the rule may reverse to an address that redirects
    to itself (``?`` and ``#`` are quoted differently on the way back) or
    that browsers rewrite (``..``): it gets no address at all.

    A page of cards asks for some 200 addresses; ``reverse()`` cost about 3 ms
    of them on a cold home page (issue #15), so each view's address is reversed
    once per language, prefix and urlconf with a marker slug, and a slug is
    quoted into it as the resolver quotes it (a valid slug is letters, digits,
    ``-`` and ``_``, so quoting it alone equals quoting the whole path).
    """
    if not slug_is_valid(slug):
        return ""
    template = _address_template(
        viewname, tuple(sorted(kwargs.items())), get_language(), get_script_prefix(), get_urlconf()
    )
    if template is None:
        return ""
    head, tail = template
    return head + quote(slug, safe=_PATH_SAFE) + tail


class SlugAddresses:
    """``slug_reverse`` for the many slugs of one page, in the language active when made.

    The language, script prefix and urlconf live in asgiref ``Local`` objects, a couple of
    microseconds a read, and a cold home page read them some 800 times for its addresses
    (issue #15): here they are read once. Use it only while that language is active.
    """

    def __init__(self) -> None:
        self.language = get_language()
        self._key = (self.language, get_script_prefix(), get_urlconf())
        self._templates: dict[tuple, tuple[str, str] | None] = {}

    def __call__(self, viewname: str, slug: object, **kwargs: object) -> str:
        """Return what ``slug_reverse(viewname, slug, **kwargs)`` returns."""
        if not slug_is_valid(slug):
            return ""
        wanted = (viewname, *kwargs.items())
        try:
            template = self._templates[wanted]
        except KeyError:
            template = self._templates[wanted] = _address_template(
                viewname, tuple(sorted(kwargs.items())), *self._key
            )
        if template is None:
            return ""
        head, tail = template
        return head + quote(slug, safe=_PATH_SAFE) + tail


@functools.lru_cache(maxsize=8192)
def _address_template(
    viewname: str, kwargs: tuple, language: str | None, prefix: str, urlconf: object
) -> tuple[str, str] | None:
    """Return the address of ``viewname`` split around its slug, or None when it has none.

    The arguments besides ``viewname`` and ``kwargs`` are the key only: ``reverse``
    reads the language, script prefix and urlconf of the current thread.
    """
    try:
        address = reverse(viewname, kwargs={**dict(kwargs), "slug": _MARKER})
    except NoReverseMatch:
        return None
    head, _, tail = address.partition(_MARKER)
    return head, tail


@receiver(setting_changed)
def _templates_clear(**kwargs: object) -> None:
    """Forget the reversed addresses when a test changes the settings (urlconf, languages)."""
    _address_template.cache_clear()
