"""Answer a request for a stored file: type, ``nosniff``, validators, cache lifetime and ranges.

Django's ``static.serve`` sends whole files only; video players and resumed downloads ask for
byte ranges (RFC 9110, section 14), so this answers a single ``Range`` with 206 and an
impossible one with 416. Several ranges in one request get the whole file (a 200 is always a
valid answer to a range request, and no browser needs multipart ranges for images).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe

# Renditions change name when their content changes: a year, and no revalidation.
IMMUTABLE = "public, max-age=31536000, immutable"
# Originals: a day, then a revalidation (answered 304 from the ETag).
ORIGINALS_CACHE = "public, max-age=86400"
# Shown inline; any other file (HTML, SVG, PDF...) is a download the browser never renders,
# so an upload cannot run script on the site's origin.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})")
_CHUNK = 64 * 1024


def file_response(
    request: HttpRequest,
    handle: IO[bytes],
    *,
    size: int,
    content_type: str,
    etag: str,
    modified: float | None = None,
    cache_control: str = IMMUTABLE,
) -> HttpResponse:
    """Return ``handle`` (open, seekable, ``size`` bytes) whole, in part, or as a 304."""
    headers = {
        "Content-Type": content_type,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": cache_control,
        "Accept-Ranges": "bytes",
        "ETag": etag,
    }
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    if _not_modified(request, etag, modified):
        handle.close()
        response = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control", "Last-Modified"):
            if name in headers:
                response[name] = headers[name]
        return response
    first, last = 0, size - 1
    status = 200
    wanted = request.headers.get("Range", "")
    if wanted and _RANGE.fullmatch(wanted.strip()) and _range_applies(request, etag, modified):
        parsed = _range(wanted, size)
        if parsed is None:
            handle.close()
            response = HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
            response["X-Content-Type-Options"] = "nosniff"
            return response
        first, last = parsed
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    length = max(last - first + 1, 0)
    headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        handle.close()
        return HttpResponse(status=status, headers=headers)
    return StreamingHttpResponse(_read(handle, first, length), status=status, headers=headers)


def _read(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _not_modified(request: HttpRequest, etag: str, modified: float | None) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and modified is not None and int(modified) <= since


def _range_applies(request: HttpRequest, etag: str, modified: float | None) -> bool:
    """``If-Range``: the range holds only for the same file; otherwise send it whole."""
    condition = request.headers.get("If-Range")
    if condition is None:
        return True
    if condition.startswith(('"', "W/")):
        return condition == etag
    since = parse_http_date_safe(condition)
    return since is not None and modified is not None and int(modified) <= since


def _range(header: str, size: int) -> tuple[int, int] | None:
    """Return the (first, last) byte a single range asks for, or None when none can be sent.

    Several ranges, or another unit, never reach here: they are answered whole.
    """
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    start, end = match.groups()
    if not start and not end:
        return None
    if not start:
        suffix = int(end)
        if suffix == 0 or size == 0:
            return None
        return (max(size - suffix, 0), size - 1)
    first = int(start)
    if first >= size:
        return None
    last = min(int(end), size - 1) if end else size - 1
    if last < first:
        return None
    return (first, last)
