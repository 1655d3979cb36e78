from django.urls import path

from dastan.newsroom import library, views

app_name = "newsroom"
urlpatterns = [
    path("newsroom/preview/<int:pk>/", views.preview, name="preview"),
    path("newsroom/editing/<int:pk>/", views.editing_heartbeat, name="editing_heartbeat"),
    path("newsroom/autosave/<int:pk>/", views.autosave, name="autosave"),
    path(
        "newsroom/autosave/<int:pk>/discard/",
        views.autosave_discard,
        name="autosave_discard",
    ),
    path("newsroom/autosave/new/", views.autosave, name="autosave_new"),
    path("newsroom/autosave/new/discard/", views.autosave_discard, name="autosave_new_discard"),
    path("newsroom/library/", library.library_list, name="library_list"),
    path("newsroom/library/upload/", library.library_upload, name="library_upload"),
    path("newsroom/two-factor/", views.twofactor, name="twofactor"),
    path("newsroom/language/", views.language, name="language"),
]
