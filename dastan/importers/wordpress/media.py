"""Bring uploaded files over from a copy of WordPress's uploads folder.

A file at ``<uploads>/2008/06/a.jpg`` on the old site is looked for at
``--media-dir/2008/06/a.jpg`` and saved to the default storage as
``wordpress/2008/06/a.jpg``. A file that is not there keeps its original
address, which the report lists.

Only files a newsroom's pages may link to are copied: images that decode
(``media.uploads.image_check``, the rule of uploads), documents, audio and
video. An ``.html``, ``.svg`` or ``.php`` left in the uploads folder could
carry script onto the site's own domain, so it is refused and reported.

Resolving only looks: the files found are copied by ``copy()`` once the
articles are written, so resolving can run in the import's reading process
and a dry run copies nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, default_storage

from dastan.media.addresses import original_url
from dastan.media.uploads import image_check

STORAGE_PREFIX = "wordpress"
# Raster images, checked by decoding them as an upload is.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".avif"})
# Passive files WordPress lets authors upload (its default MIME list, less anything a
# browser would run: HTML, SVG, XML, scripts).
PASSIVE_SUFFIXES = frozenset(
    {
        *(".pdf", ".txt", ".csv", ".rtf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods"),
        *(".ppt", ".pptx", ".odp", ".key", ".pages", ".numbers", ".zip", ".gz", ".7z"),
        *(".mp3", ".m4a", ".ogg", ".oga", ".wav", ".flac", ".wma", ".aac"),
        *(".mp4", ".m4v", ".mov", ".webm", ".ogv", ".avi", ".wmv", ".mpg", ".mpeg", ".3gp"),
    }
)


class MediaLibrary:
    """Resolve old upload URLs to stored copies; copy each file found at most once."""

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
        # Found in the media folder and not stored yet: stored name -> file.
        # ``copy()`` stores them; after a dry run they are what would be copied.
        self.to_copy: dict[str, Path] = {}
        self.present: set[str] = set()
        self.missing: set[str] = set()
        # Found but not copied: URL -> why (a type pages must not serve, an image that
        # does not decode).
        self.refused: dict[str, str] = {}
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
        """Return the stored copy's URL (the file may be copied later); None keeps the original."""
        if url in self._resolved:
            return self._resolved[url]
        result = None
        rel = self.rel_path(url)
        if rel and self.media_dir is not None:
            source = (self.media_dir / rel).resolve()
            # A crafted path ("../../etc/passwd") must not leave the media folder.
            if source.is_relative_to(self.media_dir) and source.is_file():
                problem = file_problem(source)
                if problem:
                    self.refused[url] = problem
                    self._resolved[url] = None
                    return None
                # The name the storage will save under ("a b.jpg" is stored as "a_b.jpg").
                name = self.storage.generate_filename(f"{STORAGE_PREFIX}/{rel}")
                if self.storage.exists(name):
                    self.present.add(name)
                else:
                    self.to_copy[name] = source
                result = original_url(self.storage, name)
        if result is None:
            self.missing.add(url)
        self._resolved[url] = result
        return result

    def copy(self) -> None:
        """Store the files found in the media folder; a dry run leaves them in ``to_copy``."""
        if not self.write:
            return
        for name, source in sorted(self.to_copy.items()):
            if self.storage.exists(name):  # stored meanwhile, by another import
                self.present.add(name)
                continue
            with source.open("rb") as handle:
                self.copied.add(self.storage.save(name, File(handle)))
        self.to_copy = {}

    @property
    def stored(self) -> set[str]:
        """The storage names of the files this import copied or found stored already."""
        return self.copied | self.present

    def findings(self) -> dict[str, Any]:
        """Return what resolving found, for ``merge`` in another process's library."""
        return {
            "to_copy": self.to_copy,
            "present": self.present,
            "missing": self.missing,
            "refused": self.refused,
            "resolved": self._resolved,
        }

    def merge(self, findings: dict[str, Any]) -> None:
        """Take in what a library in another process found (``findings()``)."""
        self.to_copy.update(findings["to_copy"])
        self.present |= findings["present"]
        self.missing |= findings["missing"]
        self.refused.update(findings["refused"])
        self._resolved.update(findings["resolved"])

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


def file_problem(source: Path) -> str:
    """Return why ``source`` must not be copied to the site, or '' if it may be."""
    suffix = source.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        try:
            with source.open("rb") as handle:
                image_check(handle)
        except ValidationError as error:
            return " ".join(error.messages)
        return ""
    if suffix in PASSIVE_SUFFIXES:
        return ""
    return f"{suffix or 'a file without an extension'} is not a type the site serves"


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
