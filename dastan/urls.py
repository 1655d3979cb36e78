"""The site's URLs: each app's own ``urls.py``, nothing else.

Reader pages exist once per edition: the default edition at ``/``, every other
one under ``/<code>/`` (``i18n_patterns``). The back office is unprefixed.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from dastan.feeds.robots import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("dastan.ops.urls")),
    path("", include("dastan.feeds.sitemap_urls")),
    path("", include("dastan.newsroom.urls")),
    path("", include("dastan.media.urls")),
    *i18n_patterns(
        path("", include("dastan.search.urls")),
        path("", include("dastan.rates.urls")),
        path("", include("dastan.web.urls")),
        path("", include("dastan.feeds.urls")),
        prefix_default_language=False,
    ),
]

handler404 = "dastan.web.views.errors.not_found"
handler500 = "dastan.web.views.errors.server_error"
