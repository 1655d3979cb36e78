"""The addresses a surrogate key stands for, for caches that purge by address (nginx).

A key names what a page shows (``content.versioning``); this turns it back
into the pages' paths, with a trailing ``*`` where a listing has more pages
(``?page=2``). ``*`` is the partial-key wildcard of nginx's cache purge.
"""

from __future__ import annotations

import re

from dastan.editions.addresses import edition_home, edition_url
from dastan.editions.conf import edition_codes

_ARCHIVE = re.compile(r"^archive-(?P<edition>[\w-]+?)-(?P<date>\d{4}(?:-\d{2}){0,2})$")
_LISTING_VIEWS = {
    "section": "web:section",
    "tag": "web:tag",
    "place": "web:place",
    "author": "web:author",
}

# Pages an edition has once, by key kind; "{home}" is the edition's home ("/", "/ru/").
EDITION_PATHS = {
    "home": ["{home}"],
    "corrections": ["{home}corrections/", "{home}corrections/?*"],
    "search": ["{home}search/?*"],
    "edition": ["{home}*"],
    # The edition's feeds and the sitemaps (not under an edition prefix: every edition's).
    "feed": ["{home}feed*", "/sitemap.xml", "/news-sitemap.xml", "/sitemaps/*"],
}


def key_paths(key: str, *, edition_paths: dict[str, list[str]] | None = None) -> list[str]:
    """Return the paths of the pages ``key`` tags; [] for a key no page address holds."""
    from dastan.content.models import Article, Author, Place, Section, Tag

    if key == "site":
        return ["/*"]
    archive = _ARCHIVE.match(key)
    if archive:
        path = edition_home(archive["edition"]) + archive["date"].replace("-", "/") + "/"
        return [path, path + "?*"]
    kind, _, rest = key.rpartition("-")
    if kind in (edition_paths or EDITION_PATHS):
        home = edition_home(rest)
        return [p.format(home=home) for p in (edition_paths or EDITION_PATHS)[kind]]
    if not rest.isdigit():
        return []
    pk = int(rest)
    if kind == "article":
        article = Article.objects.filter(pk=pk).first()
        return [article.get_absolute_url()] if article else []
    model = {"section": Section, "tag": Tag, "place": Place, "author": Author}.get(kind)
    obj = model.objects.filter(pk=pk).first() if model else None
    if obj is None:
        return []
    paths = []
    for code in edition_codes():
        path = edition_url(_LISTING_VIEWS[kind], code, slug=obj.slug)
        if path:
            paths += [path, path + "?*", path + "feed/*"]
    return paths
