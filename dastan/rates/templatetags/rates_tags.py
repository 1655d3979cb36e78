"""Template tags for the currency ticker."""

from __future__ import annotations

import logging

from django import template
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from dastan.rates.selectors import TickerRate, ticker_rates

register = template.Library()
logger = logging.getLogger("dastan.rates")


@register.simple_tag
def currency_ticker() -> SafeString:
    """Render the header ticker from stored rates; nothing at all when there are none.

    Never fetches: the page must not wait on a central bank.
    """
    try:
        rates = ticker_rates()
    except DatabaseError:
        # A missing table (migrations not run) must not take the whole site down.
        logger.exception("Rates: the ticker could not read the database")
        rates = []
    return ticker_render(rates)


# Rendered tickers by what the template reads: see ticker_render.
_rendered: dict[tuple, SafeString] = {}
RENDERED_MAX = 64


def ticker_render(rates: list[TickerRate]) -> SafeString:
    """Return the ticker's HTML for ``rates`` in the active language.

    The rates are read on every page, but they change once a day: the HTML is kept per
    set of rates (by ``repr``, so ``1.50`` and ``1.5`` stay apart), language, script
    prefix and urlconf, what the template reads. Rendering it cost about 3 ms of every
    cold page (issue #15).
    """
    key = (repr(rates), get_language(), get_script_prefix(), get_urlconf())
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= RENDERED_MAX:
            _rendered.clear()
        html = _rendered[key] = render_to_string("rates/ticker.html", {"rates": rates})
    return html


@receiver(setting_changed)
def _rendered_clear(**kwargs: object) -> None:
    """Forget the rendered tickers when a test changes the settings (formats, languages)."""
    _rendered.clear()
