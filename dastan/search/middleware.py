"""Send old WordPress search addresses (``/?s=...``, ``/page/2/?s=...``) to ``/search/``.

Under an edition's prefix (Polylang's ``/ru/?s=...``) they go to that edition's search.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse

from dastan.web.paging import page_number

_WP_PAGED = re.compile(r"^/page/([0-9]{1,6})/?$")


class LegacySearchRedirectMiddleware:
    """Redirect WordPress search URLs permanently; every other request passes through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "s" in request.GET and request.method in ("GET", "HEAD"):
            # The edition's home ("/" or "/ru/"): EditionMiddleware has activated the edition.
            home = reverse("web:home")
            path = request.path
            within = "/" + path[len(home) :] if path.startswith(home) else ""
            paged = _WP_PAGED.match(within)
            if within == "/" or paged:
                params = {"q": request.GET.get("s", "")}
                # WordPress reads a ``paged`` that is not a number as page 1.
                page = page_number(paged.group(1) if paged else request.GET.get("paged"))
                if page is not None and page > 1:
                    params["page"] = page
                return HttpResponsePermanentRedirect(
                    f"{reverse('search:search')}?{urlencode(params)}"
                )
        return self.get_response(request)
