"""Editorial views outside the admin's forms: the preview of an unpublished article."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dastan.content import selectors, services
from dastan.content.models import local_datetime
from dastan.web.views.pages import article_page


@staff_member_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an article as readers will see it, whatever its status; never indexed."""
    article = selectors.article_preview_get(pk=pk)
    if article is None:
        raise Http404("No such article")
    if not (services.can_publish(request.user) or services.can_edit(request.user, article)):
        raise PermissionDenied("Writers preview only their own drafts.")
    if article.published_at and local_datetime(article.published_at) is article.published_at:
        # A time the site's zone cannot show (9999-12-31, stored before dates
        # were checked) is left out of the preview rather than failing it.
        article.published_at = None
    response = render(request, "pages/article.html", {"page": article_page(article, preview=True)})
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response
