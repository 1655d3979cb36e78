"""Reads behind the listing sitemaps: sections, tags, places and authors, and the home page.

A listing is in an edition's sitemap when it shows at least one listed public article
of that edition (a country counts its places' articles). Files cut the objects by id,
so a new tag lands in the last file.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation

from dastan.content.models import Article, ArticleAuthor, Author, Place, Section, Tag
from dastan.content.slugs import slug_reverse
from dastan.feeds.sitemap_selectors import PUBLIC, file_limit, site_url


def _listed(edition: str, now: dt.datetime) -> Q:
    """Return a listing's article conditions (public, listed, the edition's) via ``article``."""
    return Q(
        article__language=edition,
        article__is_listed=True,
        article__status__in=PUBLIC,
        article__published_at__lte=now,
    )


def _has_articles(kind: str, edition: str, now: dt.datetime):
    """Return an ``Exists`` that is true for a listing object with a listed article there."""
    listed = _listed(edition, now)
    if kind == "sections":
        primary = Article.objects.public(now=now).filter(
            section=OuterRef("pk"), language=edition, is_listed=True
        )
        extra = Article.sections.through.objects.filter(listed, section=OuterRef("pk"))
        return ExpressionWrapper(Exists(primary) | Exists(extra), output_field=BooleanField())
    if kind == "tags":
        return Exists(Article.tags.through.objects.filter(listed, tag=OuterRef("pk")))
    if kind == "places":
        links = Article.places.through.objects.filter(listed)
        either = Exists(links.filter(place=OuterRef("pk"))) | Exists(
            links.filter(place__country=OuterRef("pk"))
        )
        return ExpressionWrapper(either, output_field=BooleanField())
    return Exists(ArticleAuthor.objects.filter(listed, author=OuterRef("pk")))


LISTINGS = {"sections": Section, "tags": Tag, "places": Place, "authors": Author}


def listing_file_limit(kind: str) -> int:
    return file_limit(LISTINGS[kind]._meta.get_field("slug").max_length, alternates=0)


def listing_parts(*, edition: str, now: dt.datetime | None = None) -> dict[str, int]:
    """Return, per listing kind with any listed article in ``edition``, its number of files."""
    now = now or timezone.now()
    found = {}
    for kind, model in LISTINGS.items():
        any_listed = model.objects.filter(_has_articles(kind, edition, now))
        if any_listed.exists():
            found[kind] = math.ceil(model.objects.count() / listing_file_limit(kind))
    return found


def listing_urls(*, kind: str, edition: str, part: int, now: dt.datetime) -> list[str]:
    """Return the listing pages of one file: objects by id, those with articles in the edition.

    Parts cut the objects by id, so a new tag lands in the last file.
    """
    limit = listing_file_limit(kind)
    rows = (
        LISTINGS[kind]
        .objects.annotate(listed=_has_articles(kind, edition, now))
        .order_by("id")
        .values_list("slug", "listed")[(part - 1) * limit : part * limit]
    )
    view = f"web:{kind[:-1]}"
    with translation.override(edition):
        paths = [slug_reverse(view, slug) for slug, listed in rows if listed]
    return [site_url(path) for path in paths if path]


def edition_home_url(edition: str) -> str:
    with translation.override(edition):
        return site_url(reverse("web:home"))
