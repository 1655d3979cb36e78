"""The addresses a WordPress blog answered, as Dastan stores them for redirects.

Paths are stored decoded (as Django's ``request.path``), with one trailing
slash; a query form keeps its one parameter (``/?p=12``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from dastan.importers.wordpress.mapping import ExportIndex
    from dastan.importers.wordpress.wxr import Item


def url_path(url: str) -> str:
    """Return the path (and query) of an old address, decoded, with a trailing slash."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path) or "/"
    path = re.sub(r"/{2,}", "/", path)
    if not path.endswith("/"):
        path += "/"
    if parts.query:
        return f"{path}?{parts.query}"
    return path


def wp_nicename(login: str) -> str:
    """Return the nicename WordPress makes from a login (``Aigerim.K`` -> ``aigerim-k``).

    As ``sanitize_title_with_dashes``: dots become dashes, other punctuation
    goes, spaces become dashes.
    """
    value = login.lower().replace(".", "-")
    value = re.sub(r"[^a-z0-9 _-]", "", value)
    return re.sub(r"[\s-]+", "-", value).strip("-")


def legacy_paths(item: Item, index: ExportIndex) -> list[str]:
    """Return every address WordPress answered for this post."""
    base = index.base_path
    paths = [url_path(item.link)] if item.link else []
    paths.append(f"{base}/?p={item.wp_id}")
    if item.post_type == "page":
        paths.append(f"{base}/?page_id={item.wp_id}")
    if item.link and not urlsplit(item.link).query:
        link_path = url_path(item.link)
        head = link_path.rstrip("/").rsplit("/", 1)[0]
        for key, value in item.meta:
            old = unquote(value.strip())
            if key == "_wp_old_slug" and old and "/" not in old:
                paths.append(f"{head}/{old}/")
    return list(dict.fromkeys(paths))


def section_paths(index: ExportIndex) -> Iterable[tuple[str, str]]:
    """Yield ``(old path, section name)`` for every category address."""
    base = index.base_path
    for slug, term in index.categories.items():
        name = index.section_names[slug]
        # WordPress stores non-ASCII slugs percent-encoded; request paths are decoded.
        yield f"{base}/category/{unquote(index.category_path(slug))}/", name
        yield f"{base}/category/{unquote(slug)}/", name
        if term.term_id:
            yield f"{base}/?cat={term.term_id}", name


def tag_paths(index: ExportIndex) -> Iterable[tuple[str, str]]:
    """Yield ``(old path, tag name)`` for every tag address."""
    base = index.base_path
    for slug, term in index.tags.items():
        name = index.tag_names[slug]
        yield f"{base}/tag/{unquote(slug)}/", name
        yield f"{base}/?tag={unquote(slug)}", name
        if term.term_id:
            yield f"{base}/?tag_id={term.term_id}", name


def author_paths(index: ExportIndex) -> Iterable[tuple[str, str]]:
    """Yield ``(old path, author name)`` for every author archive address."""
    base = index.base_path
    for login, author in index.authors.items():
        name = index.author_name(login)
        nicename = wp_nicename(login) or login
        yield f"{base}/author/{nicename}/", name
        yield f"{base}/?author_name={nicename}", name
        if author.wp_id:
            yield f"{base}/?author={author.wp_id}", name
    guest_nicenames = {login: nice for nice, login in index.nicenames.items()}
    for login in index.guest_authors:
        name = index.author_name(login)
        nicename = guest_nicenames.get(login) or wp_nicename(login) or login
        yield f"{base}/author/{nicename}/", name
        yield f"{base}/?author_name={nicename}", name
