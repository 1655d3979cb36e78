"""304 without rendering: a page's ETag confirmed from the versions of what it shows.

After a conditional request renders a reader page, its ETag is kept with the
keys the page depends on and their versions. The next request carrying that
ETag gets its 304 from one cache read and one version check, with no view,
template or database at all, while no key moved, no scheduled article came
due (the fragments' expiry) and ``ETAG_TIMEOUT`` (the bound on what no key
covers: the rates ticker, the navigation) holds. Only pages made from cached
fragments are kept, since only they know when they expire by themselves.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import parse_etags

from dastan.content.versioning import versions_get
from dastan.web.conf import http_cache_setting
from dastan.web.surrogates import PageKeys

# The headers a 304 repeats (RFC 9110 15.4.5: those a 200 would have sent that describe it).
REPLAYED = ("Cache-Control", "ETag", "Surrogate-Key", "Cache-Tag")


def _key(request: HttpRequest) -> str:
    path = request.get_full_path().encode("utf-8", "surrogateescape")
    return "web:etag:" + hashlib.sha256(path).hexdigest()


def etag_not_modified(request: HttpRequest) -> HttpResponse | None:
    """Return a 304 for a conditional request whose ETag is still the page's, else None."""
    wanted = request.headers.get("If-None-Match")
    if not wanted or request.method not in ("GET", "HEAD"):
        return None
    kept = cache.get(_key(request))
    if kept is None:
        return None
    etag, depends, versions, valid_until, headers = kept
    if etag not in parse_etags(wanted) or valid_until <= timezone.now().timestamp():
        return None
    if versions_get(depends) != versions:
        return None
    response = HttpResponseNotModified()
    for name, value in headers.items():
        response[name] = value
    return response


def etag_headers(response: HttpResponse) -> dict[str, str]:
    """Return the headers of ``response`` that its 304s repeat."""
    return {name: response[name] for name in REPLAYED if response.has_header(name)}


def etag_remember(request: HttpRequest, response: HttpResponse, keys: PageKeys, started: int):
    """Keep ``response``'s ETag for the next conditional request, when that can be known."""
    if not request.headers.get("If-None-Match"):
        # Only revalidations are kept (a cache write each).
        return
    timeout = http_cache_setting("ETAG_TIMEOUT")
    validity = keys.validity(started, timeout)
    if validity is None:
        return
    headers = getattr(request, "etag_headers", None) or {}
    depends = list(validity.depends)
    kept = (response["ETag"], depends, validity.versions, validity.valid_until, headers)
    cache.set(_key(request), kept, timeout)
