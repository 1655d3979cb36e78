"""The rendition address: made on the first request, then served from storage."""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from dastan.media.models import Image
from dastan.media.renditions import placeholder_render, rendition_ensure, spec_parse
from dastan.media.serving import file_response

# A placeholder stands in for a source that may come back (a restored backup, a fixed file):
# browsers ask again after a few minutes.
PLACEHOLDER_CACHE = "public, max-age=300"


@csrf_exempt
@require_safe
def rendition(request: HttpRequest, sha256: str, spec: str) -> HttpResponse:
    """Return a rendition of the image with hash ``sha256``, or its placeholder; never a 500."""
    parsed = spec_parse(spec)
    if parsed is None:
        raise Http404("No such rendition")
    image = (
        Image.objects.filter(sha256=sha256)
        .only("file", "sha256", "focal_x", "focal_y", "width", "height", "format")
        .first()
    )
    name = rendition_ensure(image, parsed) if image is not None else None
    if name is None:
        content = placeholder_render(parsed)
        response = HttpResponse(content, content_type=parsed.content_type)
        response["Cache-Control"] = PLACEHOLDER_CACHE
        response["X-Content-Type-Options"] = "nosniff"
        return response
    size = default_storage.size(name)
    return file_response(
        request,
        default_storage.open(name, "rb"),
        size=size,
        content_type=parsed.content_type,
        etag='"' + hashlib.md5(name.encode(), usedforsecurity=False).hexdigest() + '"',
    )
