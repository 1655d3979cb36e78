"""``{% card article %}`` and ``{% byline bylines %}``: the HTML of ``web.markup`` in templates."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from dastan.web.markup import Cards, byline_html

register = template.Library()

# One drawer per rendered template: the page's language and limits are read once.
_CARDS = "web:cards"


@register.simple_tag(takes_context=True)
def card(context, article, **options) -> SafeString:
    """Draw ``article`` as a card; ``options`` are ``web.markup.Cards.card``'s."""
    cards = context.render_context.get(_CARDS)
    if cards is None:
        cards = context.render_context[_CARDS] = Cards()
    return cards.card(article, **options)


@register.simple_tag
def byline(bylines) -> SafeString:
    """Return "By A and B" linking each author of ``bylines`` (``(name, slug)``), or nothing."""
    return byline_html(bylines)
