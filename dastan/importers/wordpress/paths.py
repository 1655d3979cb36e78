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
    paths.extend(_other_language_forms(paths, item, index))
    return list(dict.fromkeys(paths))


def _other_language_forms(paths: list[str], item: Item, index: ExportIndex) -> list[str]:
    """Return a multilingual post's addresses with the language folder added or taken off.

    Polylang and WPML put a post of another language than the default under
    ``/ru/...``; with the default language's folder hidden, or the language
    set from the content, the same post also answered without it.
    """
    editions = index.editions
    if not editions.multilingual:
        return []
    code, _ = editions.post_language(item)
    prefix = editions.prefixes.get(code, code)
    base = index.base_path
    folder = f"{base}/{prefix}/"
    forms = []
    for path in paths:
        if "?" in path or not path.startswith(f"{base}/"):
            continue
        if path.startswith(folder):
            forms.append(f"{base}/{path[len(folder) :]}")
        else:
            forms.append(f"{folder}{path[len(base) + 1 :]}")
    return [form for form in forms if form not in (f"{base}/", folder)]


def language_home_paths(index: ExportIndex) -> Iterable[tuple[str, str]]:
    """Yield ``(old path, edition)`` for each language's home (``/ru/``).

    ``?lang=ru`` on any old address is the redirects middleware's to read.
    """
    base = index.base_path
    for code, prefix in index.editions.prefixes.items():
        yield f"{base}/{prefix}/", code


def section_paths(index: ExportIndex) -> Iterable[tuple[str, str, str]]:
    """Yield ``(old path, section name, edition)`` for every category address.

    The edition is the category's language ('' when the export has none),
    so that a Russian category's old address opens the Russian section page.
    """
    base = index.base_path
    for slug, term in index.categories.items():
        name = index.section_names[slug]
        code = index.term_languages.get(("category", slug), "")
        # WordPress stores non-ASCII slugs percent-encoded; request paths are decoded.
        for folder in _folders(index, code):
            yield f"{folder}/category/{unquote(index.category_path(slug))}/", name, code
            yield f"{folder}/category/{unquote(slug)}/", name, code
        if term.term_id:
            yield f"{base}/?cat={term.term_id}", name, code


def tag_paths(index: ExportIndex) -> Iterable[tuple[str, str, str]]:
    """Yield ``(old path, tag name, edition)`` for every tag address."""
    base = index.base_path
    for slug, term in index.tags.items():
        name = index.tag_names[slug]
        code = index.term_languages.get(("post_tag", slug), "")
        for folder in _folders(index, code):
            yield f"{folder}/tag/{unquote(slug)}/", name, code
        yield f"{base}/?tag={unquote(slug)}", name, code
        if term.term_id:
            yield f"{base}/?tag_id={term.term_id}", name, code


def _folders(index: ExportIndex, code: str) -> list[str]:
    """Return the blog's path, and its language folder (``/ru``) for a term of a known language."""
    base = index.base_path
    prefix = index.editions.prefixes.get(code) if code else None
    return [base, f"{base}/{prefix}"] if prefix else [base]


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
