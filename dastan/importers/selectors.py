"""Reads of what the importers kept: attachments for galleries in imported bodies."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django.db.models import Q

from dastan.importers.models import WordPressAttachment, WordPressItem
from dastan.rendering import AttachmentResolver, attachment_ids

# A bare [gallery] shows the images attached to the post. WXR has no MIME
# type for attachments, so the file's extension decides what is an image.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".svg")
_GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.IGNORECASE)
_GALLERY_IDS = re.compile(r"\b(?:ids|include)\s*=\s*[\"']?([0-9,\s]+)", re.IGNORECASE)

Image = tuple[str, str, str]


def article_attachments(article) -> AttachmentResolver | None:
    """Return what ``render_body`` needs to fill ``[gallery]``, or None for a body without one.

    The ids of every gallery in the body, and the images attached to the
    post, are read in one query on the first gallery; the ids are those of
    the WordPress site the article came from.
    """
    body = article.body or ""
    if "[gallery" not in body.lower():
        return None
    ids = {
        number
        for attrs in _GALLERY.findall(body)
        for found in _GALLERY_IDS.finditer(attrs)
        for number in attachment_ids(found.group(1))
    }
    return _Gallery(article.pk, ids)


class _Gallery:
    """Answer gallery look-ups for one article from what one query read."""

    def __init__(self, article_id: int, ids: set[int]) -> None:
        self.article_id = article_id
        self.expected = ids
        self.by_id: dict[int, Image] = {}
        self.children: dict[int, Image] | None = None
        self.asked: set[int] = set()

    def __call__(self, ids: Sequence[int]) -> Mapping[int, Image]:
        if self.children is None:
            self._load(self.expected | set(ids), children=True)
        unseen = set(ids) - self.asked
        if unseen:  # a gallery written in a way the scan above did not read
            self._load(unseen, children=False)
        if not ids:
            return dict(self.children or {})
        return {i: self.by_id[i] for i in ids if i in self.by_id}

    def _load(self, ids: set[int], *, children: bool) -> None:
        self.asked |= ids
        sites = WordPressItem.objects.filter(article_id=self.article_id).values("site")
        query = Q(wp_id__in=sorted(ids), site__in=sites) if ids else Q(pk__in=[])
        if children:
            query |= Q(article_id=self.article_id)
            self.children = {}
        rows = (
            WordPressAttachment.objects.filter(query)
            .order_by("menu_order", "wp_id")
            .values_list("wp_id", "article_id", "url", "alt", "caption")
        )
        for wp_id, article_id, url, alt, caption in rows:
            image = (url, alt, caption)
            if wp_id in ids:
                self.by_id[wp_id] = image
            if children and article_id == self.article_id and _is_image(url):
                self.children[wp_id] = image


def _is_image(url: str) -> bool:
    return url.split("?", 1)[0].lower().endswith(IMAGE_EXTENSIONS)
