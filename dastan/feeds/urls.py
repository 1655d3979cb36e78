"""Feed addresses, per edition: ``/feed/``, ``/feed/atom/``, ``/feed.json`` and the same under
each listing (``/section/<slug>/feed/``...). Included after ``web.urls``, whose path converters
they use."""

from django.urls import path

from dastan.feeds import views

app_name = "feeds"

ENDINGS = {"rss": "feed/", "atom": "feed/atom/", "json": "feed.json"}
LISTINGS = ("section", "tag", "place", "author")

urlpatterns = [
    *(
        path(ending, views.feed, {"kind": "site", "fmt": fmt}, name=f"site_{fmt}")
        for fmt, ending in ENDINGS.items()
    ),
    path("rss/", views.alias, {"target": "feeds:site_rss"}, name="rss_alias"),
    path("atom/", views.alias, {"target": "feeds:site_atom"}, name="atom_alias"),
    *(
        path(
            f"{kind}/<text:slug>/{ending}",
            views.feed,
            {"kind": kind, "fmt": fmt},
            name=f"{kind}_{fmt}",
        )
        for kind in LISTINGS
        for fmt, ending in ENDINGS.items()
    ),
]
