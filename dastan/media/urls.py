from django.urls import re_path

from dastan.media import views

app_name = "media"

urlpatterns = [
    re_path(
        r"^media/r/(?P<sha256>[0-9a-f]{64})/(?P<spec>[a-z0-9]+-[0-9]+\.[a-z]+)$",
        views.rendition,
        name="rendition",
    ),
    # Originals in a storage whose own addresses expire (media.addresses); on the local disk
    # the file handler or nginx answer before Django is reached.
    re_path(r"^media/(?P<name>(?!r/)[\w./-]+)$", views.original, name="original"),
]
