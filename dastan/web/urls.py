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


class PathText:
    """A path segment without control characters: a NUL could reach no stored slug anyway,
    and PostgreSQL refuses it in a query (a 500 instead of a 404)."""

    regex = "[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TwoDigits, "dd")
register_converter(PathText, "text")
register_converter(Year, "yyyy")

app_name = "web"
urlpatterns = [
    path("", pages.home, name="home"),
    path("corrections/", pages.corrections, name="corrections"),
    path("section/<text:slug>/", pages.section, name="section"),
    path("tag/<text:slug>/", pages.tag, name="tag"),
    path("place/<text:slug>/", pages.place, name="place"),
    path("author/<text:slug>/", pages.author, name="author"),
    path("<yyyy:year>/", pages.year_archive, name="year_archive"),
    path("<yyyy:year>/<dd:month>/", pages.month_archive, name="month_archive"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", pages.day_archive, name="day_archive"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<text:slug>/", pages.article, name="article"),
]
