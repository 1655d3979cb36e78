"""``/robots.txt``: keep crawlers out of pages that are endless or not for readers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from dastan.content.conf import site_setting
from dastan.editions.conf import edition_codes
from dastan.web.decorators import read_only


def robots_lines() -> list[str]:
    """Return the rules: search results (every edition), the newsroom and the back office.

    Previews live under ``/newsroom/preview/``. The sitemaps follow, by absolute address
    (the protocol asks for one), from the configured site address.
    """
    prefixes = [""] + [f"/{code}" for code in edition_codes() if code != settings.LANGUAGE_CODE]
    blocked = [f"{prefix}/search/" for prefix in prefixes] + ["/newsroom/", "/admin/"]
    base = site_setting("BASE_URL").rstrip("/")
    sitemaps = [f"Sitemap: {base}/sitemap.xml", f"Sitemap: {base}/news-sitemap.xml"]
    return ["User-agent: *", *(f"Disallow: {path}" for path in blocked), "", *sitemaps]


@read_only
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Plain text, the same for every Host header (nothing in it comes from the request)."""
    return HttpResponse("\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8")
