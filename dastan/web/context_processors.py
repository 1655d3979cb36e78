"""Values every reader page needs: the site's name and the section navigation."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dastan.content.conf import site_setting
from dastan.content.selectors import CardSection, navigation_sections
from dastan.editions.addresses import edition_current

NAVIGATION_CACHE_KEY = "web:navigation"


def navigation_links(sections: list[CardSection], edition: str) -> list[tuple[str, str]]:
    """Return the navigation's ``(name, address)`` of ``sections`` in ``edition``."""
    return [(s.name_in(edition), s.get_absolute_url()) for s in sections]


def navigation_cached(edition: str) -> list[tuple[str, str]]:
    """Return the edition's navigation, cached for a minute, one entry per edition."""
    key = f"{NAVIGATION_CACHE_KEY}:{edition}"
    navigation = cache.get(key)
    if navigation is None:
        navigation = navigation_links(navigation_sections(), edition)
        cache.set(key, navigation, 60)
    return navigation


def site(request: HttpRequest) -> dict:
    """Return the site name and the edition's navigation (section names per edition).

    The navigation is read only if the page shows it and its view did not give its own
    (the home page reads the sections for its blocks anyway: issue #15).
    """
    edition = edition_current(request)
    return {
        "site_name": site_setting("NAME"),
        "site_tagline": site_setting("TAGLINE"),
        "navigation": SimpleLazyObject(lambda: navigation_cached(edition)),
        "edition": edition,
    }
