"""``{% picture image "card" %}``: a library image as ``<picture>`` with srcset, AVIF and WebP."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from dastan.web.markup import picture_html

register = template.Library()


@register.simple_tag
def picture(
    image, role: str, *, eager: bool = False, priority: bool = False, alt=None
) -> SafeString:
    """Draw ``image`` for ``role`` (see ``media.pictures.ROLES``); nothing for no image.

    Pictures are ``loading="lazy"`` (below the fold, fetched when near) unless ``eager``;
    ``priority`` asks for the page's main picture first (``fetchpriority="high"``).
    """
    return picture_html(image, role, eager=eager, priority=priority, alt=alt)
