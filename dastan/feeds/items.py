"""What a feed item holds beyond a card: a stable id, the image, the body with absolute links."""

from __future__ import annotations

import datetime as dt
import mimetypes
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.feedgenerator import Enclosure

from dastan.content.conf import site_setting
from dastan.content.models import Article, ArticleAuthor
from dastan.feeds.conf import feeds_setting
from dastan.feeds.meta import absolute

# The date in every tag URI (RFC 4151 asks for a day the authority held its name): fixed, so
# an id never changes; what tells items apart is the article's id, never its title or slug.
ID_DATE = "2026"


def id_authority() -> str:
    """Return the tag URI authority: ``DASTAN_FEEDS["ID_AUTHORITY"]`` or the site's host."""
    host = urlsplit(site_setting("BASE_URL")).hostname
    return feeds_setting("ID_AUTHORITY") or host or "localhost"


def tag_uri(kind: str, *parts: object) -> str:
    """Return a permanent id such as ``tag:news.example.org,2026:article:42``."""
    return f"tag:{id_authority()},{ID_DATE}:" + ":".join([kind, *map(str, parts)])


def feed_items(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Return ``queryset`` with every field an item shows, its section, bylines and tags.

    A listing's selector loads only what a card shows; a feed item needs the body too.
    Three queries whatever the number of items.
    """
    return (
        queryset.defer(None)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "bylines",
                queryset=ArticleAuthor.objects.select_related("author").order_by("position"),
            ),
            "tags",
        )
    )


def newest_change(items: list[Article], *, edition: str) -> dt.datetime | None:
    """Return the newest change a feed of ``items`` in ``edition`` can show.

    That is an item's save, publication or update, or a change to an article
    that is not public (an unpublished or rescheduled one may have left the
    feed): two queries, whatever the number of items or articles.
    """
    edition_articles = Article.objects.filter(language=edition)
    # Two queries, each on its own index: an OR of the two walked the whole edition.
    unpublished = edition_articles.filter(status=Article.Status.UNPUBLISHED)
    future = edition_articles.filter(published_at__gt=timezone.now())
    found = [
        newest
        for hidden in (unpublished, future)
        if (newest := hidden.aggregate(newest=Max("updated_at"))["newest"])
    ]
    for item in items:
        found += [d for d in (item.updated_at, item.published_at, item.revised_at) if d]
    return max(found) if found else None


def links_absolute(html: str, base: str) -> str:
    """Return ``html`` with every link and image address made absolute against ``base``.

    A ``<picture>`` (a library image, ``rendering/library.py``) keeps only its ``<img>``:
    lxml's HTML parser does not know ``<source>`` as empty and would wrap the ``<img>`` in it,
    and feed readers show the ``<img>`` (its ``srcset`` made absolute too).
    """
    if not html.strip():
        return html
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    for source in wrapper.xpath("//picture//source"):
        source.drop_tag()
    for picture in wrapper.xpath("//picture"):
        picture.drop_tag()
    wrapper.make_links_absolute(base, resolve_base_href=False)
    for element in wrapper.xpath("//*[@srcset]"):
        element.set("srcset", _srcset_absolute(element.get("srcset"), base))
    text = lxml.html.tostring(wrapper, encoding="unicode")
    return text[len("<div>") : -len("</div>")]


def _srcset_absolute(srcset: str, base: str) -> str:
    candidates = (candidate.strip().split(None, 1) for candidate in srcset.split(","))
    return ", ".join(
        " ".join([urljoin(base, parts[0]), *parts[1:]]) for parts in candidates if parts
    )


def image_enclosure(item: Article) -> Enclosure | None:
    """Return the featured image as an enclosure, with its size when the file is ours."""
    src = item.image_src
    if not src:
        return None
    length = "0"  # RSS 2.0 asks for a length; 0 when it cannot be known (RSS Advisory Board).
    if item.featured_image_id is not None:
        image = item.featured_image
        if image.byte_size is not None:
            length = str(image.byte_size)
        else:
            try:
                length = str(image.file.size)
            except (OSError, ValueError):
                length = "0"
    mime_type = mimetypes.guess_type(urlsplit(src).path)[0] or "image/jpeg"
    return Enclosure(absolute(src), length, mime_type)
