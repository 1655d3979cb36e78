"""Whole reader pages kept for anonymous readers and answered before Django runs.

A WSGI layer in front of Django's handler (``dastan.wsgi``, ``dastan serve``), as
WordPress's advanced-cache drop-in or Django's per-site cache, but checked
against what changed. A GET or HEAD without a session, CSRF or messages cookie
is looked up by scheme, host, path and query. A kept page is the whole answer:
its body and headers (ETag, Cache-Control, the CSP and security headers,
surrogate keys), never a cookie and never the request id. It is kept only when
``web.httpcache`` made it public with its own ETag and it was made from cached
fragments, which know what it depends on: the content keys, their versions, and
when it stops holding by itself (the next scheduled article, the breaking
banner's end; ``PAGE_TIMEOUT`` bounds the ticker and the navigation, which no
key covers).

A kept page is fresh while its keys have the versions it was made with. Each
process reads those versions from the shared cache at most every
``PAGE_VERSIONS_AGE`` seconds (a memo), so a hit costs no round trip and a
change reaches every server within that time and one rebuild.

Each process keeps pages in memory (``PAGE_STORE_BYTES``) and the shared cache
keeps them for the other processes and servers. A stale page is rebuilt by one
request in the whole site (a lock in the shared cache) while the others serve
the stale copy (which a shared cache in front may keep one second only); the
rebuilt page reaches the other processes through the shared cache. A page found
gone or moved (an unpublished article) is dropped, never served stale again; one
the site fails to render (a database down) is served stale. A request whose
``If-None-Match`` holds the page's ETag gets a 304. A path whose answer was a 200 not made
of fragments (a search, the markets page) goes straight to Django for a few seconds,
without asking the shared cache.

Hits keep their request id, log line and latency by route
(``ops.middleware.request_record``) and are counted in ``dastan_page_store_total``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import parse_etags

from dastan.content.versioning import versions_get
from dastan.ops.metrics import PAGE_STORE
from dastan.ops.middleware import request_id_given, request_record
from dastan.web.conf import http_cache_setting
from dastan.web.surrogates import PageKeys

# The environ entry through which web.httpcache describes a page that may be kept.
ENVIRON_KEY = "dastan.pagestore"
# Headers that describe the body: a 304 leaves them out.
_BODY_HEADERS = frozenset(
    {"content-type", "content-length", "content-language", "content-encoding"}
)
_STALE_CACHE_CONTROL = "public, max-age=0, s-maxage=1"
# Seconds a process serves a stale copy that another process rebuilds before asking the shared
# cache again: at 7,000 req/s, fetching the page and trying the lock on every request during a
# rebuild cost 2.5 times the CPU of a hit (measured on PostgreSQL + Redis, docs/benchmarks.md).
_STALE_RECHECK = 0.1
# Seconds a process sends a path whose last answer was a 200 it could not keep (a search, the
# markets page) straight to Django, without asking the shared cache for the page and its lock:
# three round trips saved per request. Only a hint: passing a page through is never stale.
_NEVER_KEPT_SECONDS = 5.0
_NEVER_KEPT_PATHS = 1024
_OK = "200 OK"
_NOT_MODIFIED = "304 Not Modified"

StartResponse = Callable[..., Callable[[bytes], object]]


@dataclass(frozen=True)
class Page:
    """A kept answer (always a 200) and what it depends on."""

    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    depends: tuple[str, ...]
    versions: tuple[int, ...]
    valid_until: float
    stored_at: float
    route: str


class VersionMemo:
    """The versions of content keys as this process last read them, and when (``time.time``)."""

    def __init__(self) -> None:
        self._read: dict[str, tuple[int, float]] = {}

    def versions(
        self, keys: tuple[str, ...], *, max_age: float, not_before: float = 0.0
    ) -> tuple[int, ...]:
        """Return the versions of ``keys``, read again when older than ``max_age`` seconds
        or read before ``not_before`` (a timestamp)."""
        now = time.time()
        oldest = max(now - max_age, not_before)
        read = self._read
        old = [key for key in keys if (seen := read.get(key)) is None or seen[1] < oldest]
        if old:
            for key, version in zip(old, versions_get(old), strict=True):
                read[key] = (version, now)
        return tuple(read[key][0] for key in keys)


class LocalPages:
    """This process's kept pages, least recently used dropped past ``PAGE_STORE_BYTES``."""

    def __init__(self) -> None:
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, address: str) -> Page | None:
        with self._lock:
            page = self._pages.get(address)
            if page is not None:
                self._pages.move_to_end(address)
            return page

    def put(self, address: str, page: Page) -> None:
        limit = http_cache_setting("PAGE_STORE_BYTES")
        with self._lock:
            self._drop(address)
            if len(page.body) > limit:
                return
            self._pages[address] = page
            self._bytes += len(page.body)
            while self._bytes > limit:
                _, gone = self._pages.popitem(last=False)
                self._bytes -= len(gone.body)

    def drop(self, address: str) -> None:
        with self._lock:
            self._drop(address)

    def _drop(self, address: str) -> None:
        gone = self._pages.pop(address, None)
        if gone is not None:
            self._bytes -= len(gone.body)


class PageStore:
    """The WSGI layer: answer kept pages, have Django render the rest and keep what it may."""

    def __init__(self, application: Callable) -> None:
        self.application = application
        self.local = LocalPages()
        self.memo = VersionMemo()
        # Addresses being rebuilt, and until when their stale copy is served without asking
        # the shared cache (time.monotonic()).
        self.rebuilding: dict[str, float] = {}
        # Paths (scheme, host, path: any query) answered with a 200 not to keep, and until when
        # they go straight to Django (time.monotonic()).
        self.never_kept: dict[str, float] = {}

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or _personal(environ) or not _enabled():
            return self.application(environ, start_response)
        address = page_address(environ)
        local = self.local.get(address)
        path = address.partition("?")[0]
        if local is None and self.never_kept.get(path, 0.0) > time.monotonic():
            PAGE_STORE.labels("pass").inc()
            return self.application(environ, start_response)
        if local is not None:
            if self.fresh(local):
                return self.answer(local, environ, start_response, started, "hit")
            if self.rebuilding.get(address, 0.0) > time.monotonic():
                # Being rebuilt (here or elsewhere): the stale copy, with no round trip.
                return self.answer(local, environ, start_response, started, "stale")
        shared_key = "web:page:" + hashlib.md5(address.encode("utf-8", "surrogatepass")).hexdigest()
        shared = cache.get(shared_key)
        if shared is not None and (local is None or shared.stored_at > local.stored_at):
            self.local.put(address, shared)
            if self.fresh(shared):
                self.rebuilding.pop(address, None)
                return self.answer(shared, environ, start_response, started, "hit")
            local = shared
        lock = shared_key + ":lock"
        if method == "GET" and cache.add(lock, 1, http_cache_setting("LOCK_TIMEOUT")):
            self.rebuilding[address] = time.monotonic() + http_cache_setting("LOCK_TIMEOUT")
            try:
                return self.rebuild(environ, start_response, address, shared_key, local)
            finally:
                self.rebuilding.pop(address, None)
                cache.delete(lock)
        if local is not None:
            # Another request is rebuilding it: the stale copy meanwhile, and the shared
            # cache asked again only after a moment.
            self.rebuilding[address] = time.monotonic() + _STALE_RECHECK
            return self.answer(local, environ, start_response, started, "stale")
        PAGE_STORE.labels("pass").inc()
        return self.application(environ, start_response)

    def fresh(self, page: Page) -> bool:
        """Return whether none of ``page``'s keys moved and its time holds."""
        if page.valid_until <= timezone.now().timestamp():
            return False
        max_age = _versions_age()
        if self.memo.versions(page.depends, max_age=max_age) == page.versions:
            return True
        # The memo may be older than the page (rebuilt elsewhere since): read it again then.
        return self.memo.versions(page.depends, max_age=max_age, not_before=page.stored_at) == (
            page.versions
        )

    def rebuild(
        self,
        environ: dict,
        start_response: StartResponse,
        address: str,
        shared_key: str,
        copy: Page | None,
    ) -> Iterable[bytes]:
        """Have Django render the page, keep it if it may be kept, and answer with it."""
        described: dict = {}
        # The whole page is wanted, whatever the client has: its 304 is answered here.
        inner = {**environ, ENVIRON_KEY: described}
        inner.pop("HTTP_IF_NONE_MATCH", None)
        response: list = []

        def capture(status: str, headers: list, exc_info=None) -> Callable[[bytes], object]:
            response[:] = [status, headers, exc_info]
            return _no_write

        result = self.application(inner, capture)
        status, headers, exc_info = response
        if status >= "500" and copy is not None:
            # The site failed to render it (a database down): the copy meanwhile.
            _close(result)
            PAGE_STORE.labels("pass").inc()
            return self.answer(copy, environ, start_response, time.perf_counter(), "stale")
        if "depends" not in described or not status.startswith("200"):
            # Not a page to keep (a search, a 404...): streamed as it comes.
            if copy is not None and not status.startswith("200"):
                # Gone or moved (an unpublished article): never served stale again.
                self.drop(address, shared_key)
            if not described and status.startswith("200"):
                self.remember_never_kept(address.partition("?")[0])
            PAGE_STORE.labels("pass").inc()
            if _not_modified(environ, status, headers):
                _close(result)
                start_response(_NOT_MODIFIED, _without_body(headers), exc_info)
                return []
            start_response(status, headers, exc_info)
            return result
        try:
            body = b"".join(result)
        finally:
            _close(result)
        page = page_make(headers, body, described)
        if page is None:
            PAGE_STORE.labels("pass").inc()
        else:
            PAGE_STORE.labels("rebuild").inc()
            self.local.put(address, page)
            timeout = page.valid_until - page.stored_at + http_cache_setting("PAGE_TIMEOUT")
            cache.set(shared_key, page, max(1, int(timeout)))
        if _not_modified(environ, status, headers):
            start_response(_NOT_MODIFIED, _without_body(headers), exc_info)
            return []
        start_response(status, headers, exc_info)
        return [body]

    def remember_never_kept(self, path: str) -> None:
        """Send ``path`` straight to Django for a while: its pages are not ones to keep."""
        if len(self.never_kept) >= _NEVER_KEPT_PATHS:
            now = time.monotonic()
            self.never_kept = {p: until for p, until in self.never_kept.items() if until > now}
            if len(self.never_kept) >= _NEVER_KEPT_PATHS:
                self.never_kept.clear()
        self.never_kept[path] = time.monotonic() + _NEVER_KEPT_SECONDS

    def drop(self, address: str, shared_key: str) -> None:
        """Forget a page that may not be served any more, here and in the shared cache."""
        self.local.drop(address)
        cache.delete(shared_key)

    def answer(
        self, page: Page, environ: dict, start_response: StartResponse, started: float, result: str
    ) -> Iterable[bytes]:
        """Answer with a kept page (or its 304), with a request id, a log line and a metric."""
        request_id = request_id_given(environ.get("HTTP_X_REQUEST_ID", ""))
        method = environ["REQUEST_METHOD"]
        if _etag_matches(environ.get("HTTP_IF_NONE_MATCH"), page.etag):
            status, code, body = _NOT_MODIFIED, 304, b""
            headers = [*_without_body(page.headers), ("X-Request-ID", request_id)]
        else:
            status, code = _OK, 200
            body = b"" if method == "HEAD" else page.body
            headers = [*page.headers, ("X-Request-ID", request_id)]
        if result == "stale":
            # Served while another request rebuilds it: a shared cache keeps it a second only.
            headers = [(n, v) for n, v in headers if n.lower() != "cache-control"]
            headers.append(("Cache-Control", _STALE_CACHE_CONTROL))
        start_response(status, headers)
        PAGE_STORE.labels(result).inc()
        request_record(
            route=page.route,
            method=method,
            path=environ.get("PATH_INFO", ""),
            status=code,
            seconds=time.perf_counter() - started,
            request_id=request_id,
        )
        return [body]


def page_describe(described: dict, request: HttpRequest, keys: PageKeys, started: int) -> None:
    """Fill ``described`` (the layer's environ entry) when the page just rendered may be kept.

    Called by ``web.httpcache`` for a public reader page that got its ETag there.
    """
    if keys.valid_until is None:
        # Not made from cached fragments: a page of this kind is never kept.
        return
    validity = keys.validity(started, http_cache_setting("PAGE_TIMEOUT"))
    if validity is None:
        # Raced a write, or ends now: this answer is not kept, the next one may be.
        described["unsettled"] = True
        return
    match = request.resolver_match
    described.update(
        depends=validity.depends,
        versions=validity.versions,
        valid_until=validity.valid_until,
        route=match.view_name if match and match.view_name else "unmatched",
    )


def page_make(headers: list[tuple[str, str]], body: bytes, described: dict) -> Page | None:
    """Return the page to keep from a rendered 200, or None when its headers forbid it."""
    names = {name.lower(): value for name, value in headers}
    if "set-cookie" in names or "vary" in names or "etag" not in names:
        return None
    if "public" not in names.get("cache-control", ""):
        return None
    return Page(
        headers=tuple((name, value) for name, value in headers if name.lower() != "x-request-id"),
        body=body,
        etag=names["etag"],
        depends=described["depends"],
        versions=described["versions"],
        valid_until=described["valid_until"],
        stored_at=time.time(),
        route=described["route"],
    )


def page_address(environ: dict) -> str:
    """Return what names a page: scheme, host, path and query, as the request gave them."""
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{_scheme(environ)}://{host}{path}?{environ.get('QUERY_STRING', '')}"


def _scheme(environ: dict) -> str:
    """Return the scheme as Django reads it (``SECURE_PROXY_SSL_HEADER`` behind a proxy).

    The scheme decides HSTS and the HTTPS redirect, so it is part of the address.
    """
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, secure = proxy
        given = environ.get(header)
        if given is not None:
            return "https" if given.split(",", 1)[0].strip() == secure else "http"
    return environ.get("wsgi.url_scheme", "http")


def _personal(environ: dict) -> bool:
    """Return whether the request carries a cookie that can make its answer someone's own."""
    cookies = environ.get("HTTP_COOKIE")
    if not cookies:
        return False
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, CookieStorage.cookie_name)
    return any(f"{name}=" in cookies for name in names)


def _versions_age() -> float:
    """Return how old the versions a hit is checked against may be.

    With a purged cache in front (nginx, a CDN) every request here fills it, right after
    a purge: the versions are read each time, or the purged page would come back from
    here and be kept for its ``s-maxage``.
    """
    if http_cache_setting("PURGE"):
        return 0.0
    return http_cache_setting("PAGE_VERSIONS_AGE")


def _enabled() -> bool:
    return bool(http_cache_setting("PAGE_STORE"))


def _etag_matches(wanted: str | None, etag: str) -> bool:
    """Return whether ``If-None-Match: wanted`` holds ``etag`` (weak comparison, RFC 9110)."""
    if not wanted:
        return False
    if wanted == etag:
        return True
    tags = parse_etags(wanted)
    return "*" in tags or etag.removeprefix("W/") in (tag.removeprefix("W/") for tag in tags)


def _not_modified(environ: dict, status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    etag = next((value for name, value in headers if name.lower() == "etag"), None)
    return etag is not None and _etag_matches(environ.get("HTTP_IF_NONE_MATCH"), etag)


def _without_body(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name.lower() not in _BODY_HEADERS]


def _close(result: Iterable[bytes]) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page store takes the body from the returned iterable only")
