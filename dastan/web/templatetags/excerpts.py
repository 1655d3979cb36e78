"""``clip``: the character cap of excerpts, applied again where stored text reaches a page.

A teaser is capped when it is made, but a page renders whatever is stored (an
old database, a raw SQL edit), so cards and head tags cap what they copy.
"""

from __future__ import annotations

from django import template

from dastan.content.conf import site_setting
from dastan.rendering import clip_text

register = template.Library()


@register.filter
def clip(value, chars: int | None = None) -> str:
    """Return ``value`` cut to ``chars`` characters, ``...`` included (default: EXCERPT_CHARS)."""
    return clip_text(str(value), int(chars or site_setting("EXCERPT_CHARS")))
