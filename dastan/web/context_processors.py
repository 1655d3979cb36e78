"""Values every reader page needs: the site's name and the section navigation."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from dastan.content.conf import site_setting
from dastan.content.selectors import sections_in_navigation

NAVIGATION_CACHE_KEY = "web:navigation"


def site(request: HttpRequest) -> dict:
    """Return the site name and navigation; the navigation is cached for a minute."""
    navigation = cache.get(NAVIGATION_CACHE_KEY)
    if navigation is None:
        navigation = [(s.name, s.get_absolute_url()) for s in sections_in_navigation()]
        cache.set(NAVIGATION_CACHE_KEY, navigation, 60)
    return {
        "site_name": site_setting("NAME"),
        "site_tagline": site_setting("TAGLINE"),
        "navigation": navigation,
    }
