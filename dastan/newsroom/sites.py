"""The admin site of the back office: Django's, with the second factor in its access rule."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dastan.newsroom.forms import StaffAuthenticationForm
from dastan.newsroom.twofactor import staff_state


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Dastan newsroom"
    site_title = "Dastan newsroom"
    index_title = "Back office"
    login_form = StaffAuthenticationForm
    login_template = "newsroom/login.html"
    index_template = "newsroom/index.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff who owe a code or an enrolment are not let in (``StaffMiddleware`` says why)."""
        return super().has_permission(request) and staff_state(request) == "ok"
