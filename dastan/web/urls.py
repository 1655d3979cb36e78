from django.urls import path, register_converter

from dastan.web.views import pages


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


class Year(TwoDigits):
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


register_converter(TwoDigits, "dd")
register_converter(Year, "yyyy")

app_name = "web"
urlpatterns = [
    path("", pages.home, name="home"),
    path("corrections/", pages.corrections, name="corrections"),
    path("section/<str:slug>/", pages.section, name="section"),
    path("tag/<str:slug>/", pages.tag, name="tag"),
    path("place/<str:slug>/", pages.place, name="place"),
    path("author/<str:slug>/", pages.author, name="author"),
    path("<yyyy:year>/", pages.year_archive, name="year_archive"),
    path("<yyyy:year>/<dd:month>/", pages.month_archive, name="month_archive"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", pages.day_archive, name="day_archive"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<str:slug>/", pages.article, name="article"),
]
