from django.urls import path

from dastan.rates import views

app_name = "rates"
urlpatterns = [
    path("markets/", views.markets, name="markets"),
    path("markets/<str:code>.json", views.history_json, name="history_json"),
    path("markets/<str:code>.csv", views.history_csv, name="history_csv"),
]
