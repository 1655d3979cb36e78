"""``{% breaking_banner %}``: the edition's breaking story, pinned on every reader page.

The banner is kept in the cache with the version of ``breaking-<edition>``, which a
save of a flagged article bumps (``content.versioning``), so it appears on and goes
from every page at once. It also holds only until the story's ``breaking_until`` (or
a flagged scheduled story's time), and says so to the
page being answered, so a page kept for a 304 (``web.etags``) is rendered again then:
the banner goes on time without any job.
"""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from dastan.content.selectors import articles_breaking
from dastan.content.versioning import article_key, edition_key, versions_get
from dastan.editions.addresses import edition_current
from dastan.web.conf import http_cache_setting
from dastan.web.surrogates import page_expires_by, page_keys_add, page_tags_add

register = template.Library()


def breaking_banner_html(edition: str) -> str:
    """Return the banner of ``edition``'s breaking story ('' when there is none), cached."""
    depends = edition_key("breaking", edition)
    key = f"web:breaking:{edition}"
    (version,) = versions_get([depends])
    now = timezone.now().timestamp()
    kept = cache.get(key)
    if kept is None or kept[0] != version or kept[1] <= now:
        flagged = articles_breaking(edition=edition)
        public = [a for a in flagged if a.published_at.timestamp() <= now]
        article = public[0] if public else None
        timeout = http_cache_setting("FRAGMENT_TIMEOUT")
        until = now + timeout
        if article is not None:
            until = min(until, article.breaking_until.timestamp())
        # A scheduled breaking story takes the banner at its time.
        until = min([until, *(a.published_at.timestamp() for a in flagged if a not in public)])
        html = render_to_string("components/breaking.html", {"article": article}) if article else ""
        kept = (version, until, html, article.pk if article else None)
        cache.set(key, kept, timeout)
    _, until, html, pk = kept
    page_keys_add([depends])
    if pk is not None:
        page_tags_add([article_key(pk)])
    page_expires_by(until)
    return html


@register.simple_tag(takes_context=True)
def breaking_banner(context) -> SafeString:
    """Return the banner linking to the edition's breaking story, or nothing."""
    # Rendered from an autoescaped template.
    return mark_safe(breaking_banner_html(edition_current(context.get("request"))))
