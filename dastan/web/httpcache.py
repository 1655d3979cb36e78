"""HTTP caching for reader pages: validators, 304, Cache-Control, Vary and surrogate keys.

A reader page (a view wearing ``web.decorators.read_only``) answered to a
reader without a session gets a strong ETag (a hash of the body, so it holds
for whatever the page shows, the rates ticker included), a 304 when the
client has it, ``Cache-Control: public`` tuned per page type
(``DASTAN_HTTP_CACHE["PAGES"]``) and ``Surrogate-Key``/``Cache-Tag`` headers
listing the keys it was made of (``web.surrogates``). The edition is in the
path, so such a page varies on nothing the request carries: the ``Vary:
Cookie`` a session or CSRF lookup adds is dropped.

A staff member (a session cookie), a response setting a cookie, and every
page that is not a reader page (admin, newsroom, preview) are ``private,
no-store``. A response that already has validators (the feeds' own ETag or
Last-Modified, from Django's ``condition``) keeps them and its own 304.
A revalidation of a page made from cached fragments gets its 304 without
rendering the next time (``web.etags``), and such a page is described to the
whole-page store in front of Django (``web.pagestore``), which keeps it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    set_response_etag,
)

from dastan.content.versioning import page_keys_base
from dastan.editions.addresses import edition_current
from dastan.web.conf import page_policy, page_type
from dastan.web.etags import etag_headers, etag_not_modified, etag_remember
from dastan.web.pagestore import ENVIRON_KEY, page_describe
from dastan.web.surrogates import PageKeys, page_keys_collect

# Status codes whose answer a shared cache may keep, and the page type that then applies.
_CACHEABLE = {200: None, 301: "redirect", 308: "redirect", 404: "not_found", 410: "not_found"}


class HttpCacheMiddleware:
    """Put validators and cache headers on every response; answer 304 for reader pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.time_ns()
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            not_modified = etag_not_modified(request)
            if not_modified is not None:
                return not_modified
        with page_keys_collect() as keys:
            response = self.get_response(request)
        response = self.headers_set(request, response, keys)
        etag_made = getattr(request, "etag_made", False)
        if response.status_code in (200, 304) and etag_made:
            etag_remember(request, response, keys, started)
        described = request.environ.get(ENVIRON_KEY)
        if described is not None and response.status_code == 200 and etag_made:
            page_describe(described, request, keys, started)
        if request.method == "HEAD" and not response.streaming:
            # gunicorn sends whatever body it is given, even to HEAD; the headers
            # (Content-Length and ETag included) stay those of the GET.
            response.content = b""
        return response

    def headers_set(self, request: HttpRequest, response: HttpResponse, keys: PageKeys):
        if not getattr(request, "reader_page", False):
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_store=True)
            return response
        if _is_private(request, response):
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True)
            return response
        return self.public(request, response, keys)

    def process_view(self, request: HttpRequest, view_func: Callable, *args, **kwargs) -> None:
        request.reader_page = getattr(view_func, "reader_page", False)

    def public(self, request: HttpRequest, response: HttpResponse, keys: PageKeys) -> HttpResponse:
        if response.status_code not in _CACHEABLE and response.status_code != 304:
            patch_cache_control(response, no_store=True)
            return response
        match = request.resolver_match
        kind = _CACHEABLE.get(response.status_code) or page_type(match.view_name if match else "")
        policy = page_policy(kind)
        patch_cache_control(response, public=True, **policy)
        if has_vary_header(response, "Cookie"):
            vary = [v.strip() for v in response["Vary"].split(",")]
            kept = [v for v in vary if v.lower() != "cookie"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        names = sorted(set(keys.all()) | set(page_keys_base(edition_current(request))))
        response["Surrogate-Key"] = " ".join(names)
        response["Cache-Tag"] = ",".join(names)
        if response.status_code != 200 or response.streaming:
            return response
        if not (response.has_header("ETag") or response.has_header("Last-Modified")):
            set_response_etag(response)
            request.etag_made = True
            request.etag_headers = etag_headers(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


def _is_private(request: HttpRequest, response: HttpResponse) -> bool:
    """Return whether the answer may be someone's own: a session, or a cookie being set."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or bool(response.cookies)
