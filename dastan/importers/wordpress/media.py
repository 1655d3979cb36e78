"""Bring uploaded files over from a copy of WordPress's uploads folder.

A file at ``<uploads>/2008/06/a.jpg`` on the old site is looked for at
``--media-dir/2008/06/a.jpg`` and saved to the default storage as
``wordpress/2008/06/a.jpg``. A file that is not there keeps its original
address, which the report lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files import File
from django.core.files.storage import Storage, default_storage

STORAGE_PREFIX = "wordpress"


class MediaLibrary:
    """Resolve old upload URLs to stored copies; copy each file at most once."""

    def __init__(
        self,
        media_dir: Path | None,
        upload_bases: Iterable[str],
        *,
        write: bool = True,
        storage: Storage | None = None,
        own_host: str = "",
    ) -> None:
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.bases = sorted({b for b in upload_bases if b}, key=len, reverse=True)
        self.write = write
        self.storage = storage or default_storage
        self.own_host = own_host.lower()
        self.copied: set[str] = set()
        # What a dry run would copy: found in the media folder, not yet stored.
        self.would_copy: set[str] = set()
        self.present: set[str] = set()
        self.missing: set[str] = set()
        self._resolved: dict[str, str | None] = {}
        self._pattern = (
            re.compile(
                "(?:" + "|".join(_scheme_free(b) for b in self.bases) + r")[^\s\"'<>()\[\]]+"
            )
            if self.bases
            else None
        )

    def rel_path(self, url: str) -> str:
        """Return ``url``'s path inside the uploads folder, or '' if it is not an upload."""
        bare = _strip_scheme(url.split("?", 1)[0].split("#", 1)[0])
        for base in self.bases:
            stem = _strip_scheme(base)
            if bare.startswith(stem):
                return unquote(bare[len(stem) :]).lstrip("/")
        return ""

    def resolve(self, url: str) -> str | None:
        """Return the stored copy's URL, copying the file if needed; None keeps the original."""
        if url in self._resolved:
            return self._resolved[url]
        result = None
        rel = self.rel_path(url)
        if rel and self.media_dir is not None:
            source = (self.media_dir / rel).resolve()
            # A crafted path ("../../etc/passwd") must not leave the media folder.
            if source.is_relative_to(self.media_dir) and source.is_file():
                name = f"{STORAGE_PREFIX}/{rel}"
                if self.storage.exists(name):
                    self.present.add(name)
                elif not self.write:
                    self.would_copy.add(name)
                else:
                    with source.open("rb") as handle:
                        saved = self.storage.save(name, File(handle))
                    self.copied.add(saved)
                    name = saved
                result = self.storage.url(name)
        if result is None:
            self.missing.add(url)
        self._resolved[url] = result
        return result

    def on_own_host(self, url: str) -> bool:
        """Return whether ``url`` is on the old blog's host (gone after the DNS switch)."""
        return bool(self.own_host) and urlsplit(url).netloc.lower() == self.own_host

    @property
    def missing_on_own_host(self) -> list[str]:
        """Return the missing files whose original address dies with the old blog."""
        return sorted(url for url in self.missing if self.on_own_host(url))

    def rewrite(self, html: str) -> str:
        """Point upload URLs in ``html`` at the stored copies that exist."""
        if self.media_dir is None or self._pattern is None or not html:
            return html

        def replace(match: re.Match[str]) -> str:
            found = match.group(0)
            url = found if found.startswith("http") else "http:" + found
            return self.resolve(url) or found

        return self._pattern.sub(replace, html)


def _strip_scheme(url: str) -> str:
    parts = urlsplit(url)
    return f"//{parts.netloc.lower()}{parts.path}"


def _scheme_free(base: str) -> str:
    """Return a pattern matching ``base`` over http, https or scheme-relative."""
    parts = urlsplit(base)
    return r"(?:https?:)?//" + re.escape(parts.netloc) + re.escape(parts.path)


def upload_base(url: str, rel_path: str) -> str:
    """Return the uploads folder's URL from a file URL and its path inside that folder."""
    if not rel_path:
        return ""
    clean = url.split("?", 1)[0].split("#", 1)[0]
    parts = clean.rsplit("/", rel_path.count("/") + 1)
    if len(parts) > 1 and unquote("/".join(parts[1:])) == rel_path:
        return parts[0] + "/"
    return ""
