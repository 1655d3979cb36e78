"""Old addresses (from a previous site) and the Dastan page each one now lives at."""

from __future__ import annotations

import contextlib

from django.db import models
from django.urls import reverse
from django.utils import translation

from dastan.content.models import Article, Author, Place, Section, Tag


class LegacyRedirect(models.Model):
    """An old path, or path plus one query parameter (``/?p=42``), and its target.

    The target is an object rather than a URL, so the redirect follows the
    article when its date or slug changes; ``target_url`` is for files.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        SECTION = "section", "Section"
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"
        PLACE = "place", "Place"
        HOME = "home", "Home page"
        URL = "url", "Fixed address"

    old_path = models.CharField(max_length=500, unique=True)
    site = models.CharField(
        max_length=200,
        blank=True,
        help_text="The old site the address belonged to; another site's import leaves it alone.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_redirects"
    )
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.CASCADE)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE)
    target_url = models.CharField(max_length=500, blank=True)
    language = models.CharField(
        max_length=10,
        blank=True,
        help_text="The edition whose page a listing or home address opens ('' for the current).",
    )
    source = models.CharField(max_length=40, default="wordpress")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.old_path

    def target(self, language: str = "") -> str | None:
        """Return where the old address now lives, or None when it must stay a 404.

        An article that is not public (draft, unpublished, scheduled for
        later) is never revealed through its old address. A listing or the
        home page opens in ``language``, else in the redirect's own edition
        (a Russian category's old address opens the Russian section page);
        an article's address is always in its own language.
        """
        code = language or self.language
        with translation.override(code) if code else contextlib.nullcontext():
            return self._target()

    def _target(self) -> str | None:
        kind = self.kind
        if kind == self.Kind.ARTICLE:
            article = self.article
            return (article.get_absolute_url() or None) if article and article.is_public else None
        if kind == self.Kind.HOME:
            return reverse("web:home")
        if kind == self.Kind.URL:
            return self.target_url or None
        if kind not in (self.Kind.SECTION, self.Kind.TAG, self.Kind.AUTHOR, self.Kind.PLACE):
            return None
        # A section, tag, author or place whose stored slug has no address: a 404.
        target = getattr(self, kind)
        return (target.get_absolute_url() or None) if target is not None else None

    @property
    def is_listing(self) -> bool:
        """Return whether the target is a paged listing (``?page=N`` carries over)."""
        return self.kind in (
            self.Kind.SECTION,
            self.Kind.TAG,
            self.Kind.AUTHOR,
            self.Kind.PLACE,
            self.Kind.HOME,
        )
