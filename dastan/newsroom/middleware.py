"""Back-office gatekeeping that the admin's own views cannot do alone."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from dastan.newsroom.preferences import staff_language_get
from dastan.newsroom.twofactor import staff_state


class StaffMiddleware:
    """Send staff who owe a second factor where they can give it; loosen CSP for the admin.

    Back-office pages speak the staff member's chosen language (``preferences``), whatever
    the browser asks for or the edition being read; other pages are left to the editions.

    An Editor required to use a second factor who has none is sent to the enrolment page from
    every back-office address; someone with an app but no code in this session is sent to
    sign in again. The admin's stylesheets are files, but some of its templates and widgets
    (the changelist without actions, Select2) write inline styles, so its pages alone allow
    them; scripts stay ``'self'`` everywhere.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_root = reverse("admin:index")
        staff_area = request.path_info.startswith((admin_root, "/newsroom/"))
        if not staff_area:
            return self.get_response(request)
        language = staff_language_get(request.user)
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self._gate(request, admin_root) or self.get_response(request)
        finally:
            # Without LocaleMiddleware the choice would outlive the request in this thread.
            if previous:
                translation.activate(previous)
            else:
                translation.deactivate()
        response.headers["Content-Language"] = language
        if request.path_info.startswith(admin_root):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response

    def _gate(self, request: HttpRequest, admin_root: str) -> HttpResponse | None:
        open_paths = {
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("newsroom:twofactor"),
            reverse("admin:jsi18n"),
        }
        if request.path_info in open_paths:
            return None
        state = staff_state(request)
        if state == "enrol":
            return redirect("newsroom:twofactor")
        if state == "verify":
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('admin:login')}?{query}")
        return None
