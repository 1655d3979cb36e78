"""Error pages in the site's look; the 500 page renders without touching the database."""

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 404 page."""
    body = loader.render_to_string("pages/404.html", {"path": request.path}, request)
    return HttpResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page from a template with no context processors (the DB may be down)."""
    return HttpResponseServerError(loader.get_template("pages/500.html").render())
