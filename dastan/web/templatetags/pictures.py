"""``{% picture image "card" %}``: a library image as ``<picture>`` with srcset, AVIF and WebP."""

from __future__ import annotations

from django import template

from dastan.media import pictures

register = template.Library()


@register.inclusion_tag("components/picture.html")
def picture(image, role: str, *, eager: bool = False, priority: bool = False, alt=None) -> dict:
    """Draw ``image`` for ``role`` (see ``media.pictures.ROLES``); nothing for no image.

    Pictures are ``loading="lazy"`` (below the fold, fetched when near) unless ``eager``;
    ``priority`` asks for the page's main picture first (``fetchpriority="high"``).
    """
    if image is None:
        return {"pic": None}
    return {
        "pic": pictures.picture(image, role, alt=alt),
        "lazy": not (eager or priority),
        "priority": priority,
    }
