"""Head metadata for crawlers: canonical address, OpenGraph, Twitter card and schema.org JSON-LD.

Everything here is built from stored values, which may hold anything an import
or an editor let through, so text is cleaned of control characters and cut to a
sane length, and JSON-LD is escaped so no stored value can close its script.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from dastan.content.conf import site_setting
from dastan.content.selectors import ArticleRelations
from dastan.content.slugs import slug_reverse
from dastan.editions.addresses import edition_home
from dastan.editions.conf import edition_code, editions_all
from dastan.feeds.sitemap_selectors import article_lastmod
from dastan.media.pictures import head_images

# C0 and C1 controls except tab/newline/carriage return: XML and many crawlers reject them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
# OpenGraph wants language_TERRITORY; an edition's hreflang may name only the language.
_OG_LOCALES = {"en": "en_US", "ru": "ru_RU"}
LOGO_PATH = "web/logo.png"


def text_clean(value: object, limit: int = 300) -> str:
    """Return ``value`` as one line of text without control characters, at most ``limit`` long."""
    text = " ".join(_CONTROLS.sub("", str(value or "")).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def absolute(path: str) -> str:
    """Return ``path`` on the configured site address (never the request's Host header)."""
    if path.startswith(("http://", "https://")):
        return path
    return site_setting("BASE_URL").rstrip("/") + "/" + path.lstrip("/")


def og_locale(code: str) -> str:
    """Return the OpenGraph locale of an edition code."""
    hreflang = next((e.hreflang for e in editions_all() if e.code == code), code)
    if "-" in hreflang:
        language, territory = hreflang.split("-", 1)
        return f"{language.lower()}_{territory.upper()}"
    return _OG_LOCALES.get(hreflang.lower(), hreflang.lower())


def json_ld(data: dict[str, Any]) -> SafeString:
    """Return ``data`` as JSON safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_ESCAPES))


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _organization() -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": text_clean(site_setting("NAME")),
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(static(LOGO_PATH))},
    }


def _images(item) -> tuple[str, list[str]]:
    """Return the social preview's address and JSON-LD's image list (16:9, 4:3, 1:1).

    A library image gives renditions (1200 wide, cropped around its focal point: Google asks
    for the three ratios, social cards for 1200 x 630); an address given by hand is used as is.
    """
    if item.featured_image_id is not None:
        social, structured = head_images(item.featured_image)
        return absolute(social.url), [absolute(one.url) for one in structured]
    if item.featured_image_url:
        return absolute(item.featured_image_url), [absolute(item.featured_image_url)]
    return "", []


def article_meta(item, relations: ArticleRelations) -> dict[str, Any]:
    """Return the head values of a public article: OpenGraph pairs and its JSON-LD.

    Called while the article page is built and cached with it; ``relations`` are what
    the page read (``content.selectors.article_relations``), so nothing is read twice.
    """
    code = edition_code(item.language)
    with translation.override(code):
        url = absolute(item.get_absolute_url())
        title = text_clean(item.title)
        description = text_clean(item.teaser or item.standfirst, 500)
        image, images = _images(item)
        section = text_clean(item.section.local_name, 120) if item.section else ""
        tags = [text_clean(t.local_name, 120) for t in relations.tags]
        authors = [
            {
                "@type": "Person",
                "name": text_clean(name, 160),
                "url": absolute(slug_reverse("web:author", slug)),
            }
            for name, slug in relations.bylines
        ]
        home = absolute(edition_home(code))
        crumbs = [(text_clean(site_setting("NAME")), home)]
        if item.section:
            crumbs.append((section, absolute(item.section.get_absolute_url())))
    crumbs.append((title, url))
    # The same "really changed" as the sitemaps' lastmod and the feeds' updated date.
    modified = article_lastmod(item.published_at, item.revised_at)
    og = [
        ("og:type", "article"),
        ("og:url", url),
        ("og:title", title),
        ("og:description", description),
        ("og:site_name", text_clean(site_setting("NAME"))),
        ("og:locale", og_locale(code)),
    ]
    og += [("og:locale:alternate", og_locale(e.code)) for e in editions_all() if e.code != code]
    if image:
        og.append(("og:image", image))
        if item.featured_image_id is not None:
            social = head_images(item.featured_image)[0]
            og += [
                ("og:image:width", str(social.width)),
                ("og:image:height", str(social.height)),
                ("og:image:type", social.type),
            ]
            if item.featured_image.alt_text:
                og.append(("og:image:alt", text_clean(item.featured_image.alt_text, 420)))
    og.append(("article:published_time", _iso(item.published_at) or ""))
    og.append(("article:modified_time", _iso(modified) or ""))
    if section:
        og.append(("article:section", section))
    og += [("article:tag", t) for t in tags]
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": text_clean(item.title, 110),
        "inLanguage": code,
        "datePublished": _iso(item.published_at),
        "dateModified": _iso(modified),
        "publisher": _organization(),
    }
    if description:
        article["description"] = description
    if image:
        article["image"] = images
    if authors:
        article["author"] = authors
    if section:
        article["articleSection"] = section
    if tags:
        article["keywords"] = tags
    card = "summary_large_image" if image else "summary"
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": link}
            for n, (name, link) in enumerate(crumbs, start=1)
        ],
    }
    return {
        "canonical": url,
        "og": og,
        # X reads OpenGraph too, but only its own names for the card's text and image.
        "twitter": [
            ("twitter:card", card),
            ("twitter:title", title),
            *([("twitter:description", description)] if description else []),
            *([("twitter:image", image)] if image else []),
        ],
        "json_ld": [json_ld(article), json_ld(breadcrumbs)],
    }


def site_json_ld(code: str) -> list[SafeString]:
    """Return the WebSite (with its search action) and Organization JSON-LD of an edition."""
    with translation.override(code):
        home = absolute(edition_home(code))
        search = absolute(reverse("search:search"))
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": text_clean(site_setting("NAME")),
        "url": home,
        "inLanguage": code,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    return [json_ld(website), json_ld({"@context": "https://schema.org", **_organization()})]
