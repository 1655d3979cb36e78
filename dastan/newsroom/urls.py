from django.urls import path

from dastan.newsroom import views

app_name = "newsroom"
urlpatterns = [
    path("newsroom/preview/<int:pk>/", views.preview, name="preview"),
    path("newsroom/editing/<int:pk>/", views.editing_heartbeat, name="editing_heartbeat"),
    path("newsroom/two-factor/", views.twofactor, name="twofactor"),
    path("newsroom/language/", views.language, name="language"),
]
