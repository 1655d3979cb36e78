"""The header's edition switcher and the head's hreflang alternates."""

from __future__ import annotations

from django import template

from dastan.content.conf import site_setting
from dastan.editions.addresses import edition_current, edition_home, page_alternates
from dastan.editions.conf import editions_all

register = template.Library()


def _alternates(context, given: dict | None) -> dict[str, str]:
    """Return the page's address per edition: ``given`` (an article's), else its listing's."""
    if isinstance(given, dict):
        return given
    return page_alternates(context.get("request"))


@register.inclusion_tag("editions/switcher.html", takes_context=True)
def edition_switcher(context, alternates: dict | None = None) -> dict:
    """Link every other edition: to this page's translation there, else to that edition's home.

    ``alternates`` maps edition codes to this page's addresses (an article's
    translations); by default the same listing in each edition.
    """
    request = context.get("request")
    current = edition_current(request)
    alternates = _alternates(context, alternates) if request is not None else {}
    links = [
        {"edition": e, "url": alternates.get(e.code) or edition_home(e.code)}
        for e in editions_all()
        if e.code != current
    ]
    return {"links": links}


@register.inclusion_tag("editions/alternates.html", takes_context=True)
def edition_alternates(context, alternates: dict | None = None) -> dict:
    """Emit ``<link rel="alternate" hreflang>`` for each edition that has this page.

    An article has alternates only when it has published translations; a
    listing has one per edition, and ``x-default`` is the default edition's.
    """
    request = context.get("request")
    # A listing's later pages hold other articles in each edition: only first pages pair up.
    if request is None or request.GET.get("page"):
        return {"links": []}
    alternates = _alternates(context, alternates)
    if len(alternates) < 2:
        return {"links": []}
    base = site_setting("BASE_URL").rstrip("/")
    links = [
        {"hreflang": e.hreflang, "href": base + alternates[e.code]}
        for e in editions_all()
        if e.code in alternates
    ]
    default = next((e for e in editions_all() if e.is_default), None)
    if default is not None and default.code in alternates:
        links.append({"hreflang": "x-default", "href": base + alternates[default.code]})
    return {"links": links}
