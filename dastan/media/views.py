"""The media addresses Django answers: renditions (made on the first request) and originals.

Both read through ``default_storage``, so they work the same on the local disk and in a
bucket; on the local disk nginx or the WSGI file handler serve what exists before Django.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from dastan.media.models import Image
from dastan.media.renditions import (
    STORAGE_ERRORS,
    placeholder_render,
    rendition_name,
    renditions_make,
    spec_parse,
)
from dastan.media.serving import INLINE_TYPES, ORIGINALS_CACHE, file_response

logger = logging.getLogger(__name__)
# A placeholder stands in for a source that may come back (a restored backup, a fixed file):
# browsers ask again after a few minutes.
PLACEHOLDER_CACHE = "public, max-age=300"


def _etag(name: str, size: int) -> str:
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
    return f'"{digest}-{size:x}"'


def _stored_open(name: str):
    """Open the stored file ``name``; None when it is not there (one request to a bucket)."""
    try:
        return default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousOperation):
        # A folder (``/media/.``, found by tests/test_url_fuzz.py) is no stored file either.
        return None
    except STORAGE_ERRORS:
        logger.exception("%s could not be read from the storage", name)
        return None


@csrf_exempt
@require_safe
def rendition(request: HttpRequest, sha256: str, spec: str) -> HttpResponse:
    """Return a rendition of the image with hash ``sha256``, or its placeholder; never a 500."""
    parsed = spec_parse(spec)
    if parsed is None:
        raise Http404("No such rendition")
    name = rendition_name(sha256, parsed)
    handle = _stored_open(name)
    if handle is None:
        image = (
            Image.objects.filter(sha256=sha256)
            .only("file", "sha256", "focal_x", "focal_y", "width", "height", "format")
            .first()
        )
        if image is not None and renditions_make(image, [parsed]):
            handle = _stored_open(name)
    if handle is None:
        response = HttpResponse(placeholder_render(parsed), content_type=parsed.content_type)
        response["Cache-Control"] = PLACEHOLDER_CACHE
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return file_response(
        request,
        handle,
        size=handle.size,
        content_type=parsed.content_type,
        etag=_etag(name, handle.size),
    )


@csrf_exempt
@require_safe
def original(request: HttpRequest, name: str) -> HttpResponse:
    """Return a stored original (``media.addresses``): images inline, anything else a download."""
    if ".." in name.split("/"):
        raise Http404("No such file")
    handle = _stored_open(name)
    if handle is None:
        raise Http404("No such file")
    content_type, encoding = mimetypes.guess_type(name)
    inline = content_type in INLINE_TYPES and encoding is None
    response = file_response(
        request,
        handle,
        size=handle.size,
        content_type=content_type if inline else "application/octet-stream",
        etag=_etag(name, handle.size),
        cache_control=ORIGINALS_CACHE,
    )
    response["Content-Disposition"] = content_disposition_header(
        not inline, name.rsplit("/", 1)[-1]
    )
    if not inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
