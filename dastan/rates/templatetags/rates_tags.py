"""Template tags for the currency ticker."""

from __future__ import annotations

import logging

from django import template
from django.db import DatabaseError

from dastan.rates.selectors import ticker_rates

register = template.Library()
logger = logging.getLogger("dastan.rates")


@register.inclusion_tag("rates/ticker.html")
def currency_ticker() -> dict:
    """Render the header ticker from stored rates; nothing at all when there are none.

    Never fetches: the page must not wait on a central bank.
    """
    try:
        rates = ticker_rates()
    except DatabaseError:
        # A missing table (migrations not run) must not take the whole site down.
        logger.exception("Rates: the ticker could not read the database")
        rates = []
    return {"rates": rates}
