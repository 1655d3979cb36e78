"""The site's URLs: each app's own ``urls.py``, nothing else."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("dastan.newsroom.urls")),
    path("", include("dastan.search.urls")),
    path("", include("dastan.rates.urls")),
    path("", include("dastan.web.urls")),
]

handler404 = "dastan.web.views.errors.not_found"
handler500 = "dastan.web.views.errors.server_error"
