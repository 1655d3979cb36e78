"""Feed autodiscovery: ``<link rel="alternate">`` in every reader page's head."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from dastan.content.conf import site_setting
from dastan.feeds.addresses import PAGE_FEEDS, feed_url
from dastan.feeds.meta import absolute

register = template.Library()

TYPES = {
    "rss": ("application/rss+xml", "RSS"),
    "atom": ("application/atom+xml", "Atom"),
    "json": ("application/feed+json", "JSON Feed"),
}


def _links(title: str, kind: str, slug: str | None = None) -> list[dict]:
    found = []
    for fmt, (mime, label) in TYPES.items():
        path = feed_url(kind, slug, fmt=fmt)
        if path:
            found.append({"type": mime, "title": f"{title} ({label})", "href": absolute(path)})
    return found


@register.inclusion_tag("feeds/autodiscovery.html", takes_context=True)
def feed_links(context, listing_name: str = "") -> dict:
    """Announce the edition's feeds and, on a section, tag, place or author page, its own.

    The addresses are the current edition's (``/ru/feed/`` on Russian pages).
    """
    site = site_setting("NAME")
    links = _links(site, "site")
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    kind = PAGE_FEEDS.get(getattr(match, "view_name", ""))
    if kind and kind != "site" and "slug" in match.kwargs:
        name = listing_name or match.kwargs["slug"]
        title = _("%(site)s: %(listing)s") % {"site": site, "listing": name}
        links += _links(title, kind, match.kwargs["slug"])
    return {"links": links}
