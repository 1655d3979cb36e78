"""The one decorator every reader view wears: read-only pages answer GET and HEAD only."""

from __future__ import annotations

from collections.abc import Callable

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def read_only(view: Callable) -> Callable:
    """Answer 405 with ``Allow: GET, HEAD`` to any other method (TRACE, OPTIONS, POST...).

    Without it a reader page answers TRACE and OPTIONS with the whole page and
    POST with the CSRF failure page. The CSRF middleware checks before the view
    runs, so the view is exempt from it: a view that refuses every unsafe method
    has no state to protect, and the 405 can then be given.

    It also marks the view as a reader page, which ``web.httpcache`` gives
    validators and shared-cache headers.
    """
    wrapped = csrf_exempt(require_safe(view))
    wrapped.reader_page = True
    return wrapped
