"""WSGI application that also serves static files and uploads, for ``dastan serve`` on one machine.

Django's ``StaticFilesHandler`` serves the apps' static files straight from the
package, so the embedded setup needs no collectstatic and no web server in
front; the same handler pointed at ``MEDIA_URL`` serves the uploaded and
imported images from ``MEDIA_ROOT``. Reader pages go through the whole-page
store (``web.pagestore``) as in ``dastan.wsgi``. A larger deployment puts nginx or object
storage in front (docs/deployment.md) and uses ``dastan.wsgi``.

Both answer 404 to any path that leaves their directory: Django's ``safe_join``
raises ``SuspiciousFileOperation`` for ``/static/../../etc/passwd``, which the
handler does not catch (a 500 with a stack trace in the log).
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.exceptions import SuspiciousFileOperation
from django.core.wsgi import get_wsgi_application
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.http import content_disposition_header
from django.views import static

from dastan.media.serving import IMMUTABLE, INLINE_TYPES, ORIGINALS_CACHE, file_response


class StaticFiles(StaticFilesHandler):
    """Django's static files handler: GET and HEAD only, and a 404 for paths outside."""

    def serve(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            response = self.serve_file(request)
        except (SuspiciousFileOperation, ValueError) as exc:
            raise Http404("No such file") from exc
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def serve_file(self, request: HttpRequest) -> HttpResponse:
        return super().serve(request)


class MediaFiles(StaticFiles):
    """Serve ``MEDIA_ROOT`` at ``MEDIA_URL``: files only, no listing, images inline."""

    def get_base_url(self) -> str:
        return settings.MEDIA_URL

    def _should_handle(self, path: str) -> bool:
        # Without a MEDIA_URL every path would start with the empty prefix.
        if not (self.base_url.path.strip("/") and super()._should_handle(path)):
            return False
        # What is not on this disk is Django's: a rendition not made yet (media.views makes
        # it), or a file in a bucket (DASTAN_S3_BUCKET) that media.views streams.
        return media_file(path[len(self.base_url.path) :]) is not None

    def serve_file(self, request: HttpRequest) -> HttpResponse:
        return media_serve(request, self.file_path(request.path))


def media_file(relative: str) -> Path | None:
    """Return the regular file ``relative`` names under ``MEDIA_ROOT``, or ``None``.

    Symbolic links are resolved first, so a link cannot lead out of the directory.
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        target = (root / relative.lstrip("/")).resolve(strict=True)
    except (OSError, ValueError, RuntimeError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def media_serve(request: HttpRequest, relative: str) -> HttpResponse:
    """Return one upload; what is not an image is sent as an opaque attachment."""
    target = media_file(relative)
    if target is None:
        raise Http404("No such file")
    root = Path(settings.MEDIA_ROOT).resolve()
    content_type, encoding = mimetypes.guess_type(target.name)
    if content_type in INLINE_TYPES and encoding is None:
        stat = target.stat()
        # Renditions are named by content (``media.renditions``); an original's generated
        # name is never reused either, but an operator may replace a file by hand.
        rendition = str(target.relative_to(root)).startswith("r/")
        response = file_response(
            request,
            target.open("rb"),
            size=stat.st_size,
            content_type=content_type,
            etag=f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"',
            modified=stat.st_mtime,
            cache_control=IMMUTABLE if rendition else ORIGINALS_CACHE,
        )
        response["Content-Disposition"] = content_disposition_header(False, target.name)
        return response
    response = static.serve(request, str(target.relative_to(root)), document_root=str(root))
    if response.status_code == 200 and (
        response["Content-Type"] not in INLINE_TYPES or response.has_header("Content-Encoding")
    ):
        # "photo.png.gz" would be unpacked by the browser: it is not an image either.
        del response["Content-Encoding"]
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = content_disposition_header(True, target.name)
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.dev")
_django = get_wsgi_application()

from dastan.web.pagestore import PageStore  # noqa: E402  (Django is set up above)

# Files first (a prefix test), then the kept pages, then Django.
application = MediaFiles(StaticFiles(PageStore(_django)))
