"""The admin site of the back office: Django's, with the second factor in its access rule."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy

from dastan.content.services import can_publish
from dastan.newsroom.forms import StaffAuthenticationForm
from dastan.newsroom.review import review_queue
from dastan.newsroom.twofactor import staff_state


class NewsroomAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Dastan newsroom")
    site_title = gettext_lazy("Dastan newsroom")
    index_title = gettext_lazy("Back office")
    login_form = StaffAuthenticationForm
    login_template = "newsroom/login.html"
    index_template = "newsroom/index.html"

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Add the "Needs review" queue for those who may publish (Editors)."""
        extra_context = dict(extra_context or {})
        if can_publish(request.user):
            extra_context["review_queue"] = list(review_queue())
        return super().index(request, extra_context)

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff who owe a code or an enrolment are not let in (``StaffMiddleware`` says why)."""
        return super().has_permission(request) and staff_state(request) == "ok"

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        # Django's "view on site" redirect follows any object's address for any staff member;
        # here it goes through the model's admin, so it shows only what that admin shows.
        guarded = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [guarded if getattr(u, "name", "") == "view_on_site" else u for u in urls]

    def view_on_site(
        self, request: HttpRequest, content_type_id: int, object_id: str
    ) -> HttpResponse:
        """Redirect to an object's page if its admin lets ``request.user`` see it; else 404."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist as error:
            raise Http404("No such object") from error
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404("No such object")
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("No such object")
        return shortcut(request, content_type_id, object_id)
