"""Template tags for the currency ticker."""

from django import template

register = template.Library()


@register.simple_tag
def currency_ticker() -> str:
    """Render the header ticker; empty until rates exist."""
    return ""
