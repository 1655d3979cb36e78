"""Values every reader page needs: the site's name and the section navigation."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from dastan.content.conf import site_setting
from dastan.content.selectors import sections_in_navigation
from dastan.editions.addresses import edition_current

NAVIGATION_CACHE_KEY = "web:navigation"


def site(request: HttpRequest) -> dict:
    """Return the site name and the edition's navigation (section names per edition).

    The navigation is cached for a minute, one entry per edition.
    """
    edition = edition_current(request)
    key = f"{NAVIGATION_CACHE_KEY}:{edition}"
    navigation = cache.get(key)
    if navigation is None:
        navigation = [(s.name_in(edition), s.get_absolute_url()) for s in sections_in_navigation()]
        cache.set(key, navigation, 60)
    return {
        "site_name": site_setting("NAME"),
        "site_tagline": site_setting("TAGLINE"),
        "navigation": navigation,
        "edition": edition,
    }
