"""The feeds: the whole edition, and one per section, tag, place and author.

Each is a ``django.contrib.syndication`` ``Feed`` (title, link and items as
methods, as Django's own feeds do) rendered by one of three generators, so
RSS, Atom and JSON Feed always say the same thing. Every address is built on
``DASTAN_SITE["BASE_URL"]``: Django's ``add_domain`` leaves absolute ones
alone, so the request's Host header never reaches a feed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dastan.content import selectors
from dastan.content.conf import site_setting
from dastan.content.models import Article, Author, Place, Section, Tag
from dastan.editions.addresses import edition_current
from dastan.feeds.addresses import feed_url
from dastan.feeds.conf import feeds_setting
from dastan.feeds.generators import AtomFeed, JsonFeed, RssFeed
from dastan.feeds.items import feed_items, image_enclosure, links_absolute, tag_uri
from dastan.feeds.meta import absolute, text_clean
from dastan.web.views.pages import body_render

FORMATS = {"rss": RssFeed, "atom": AtomFeed, "json": JsonFeed}


class ArticleFeed(Feed):
    """The edition's newest public articles; subclasses narrow them to one listing."""

    kind = "site"
    item_guid_is_permalink = False

    def __init__(self, fmt: str = "rss") -> None:
        super().__init__()
        self.fmt = fmt
        self.feed_type = FORMATS[fmt]

    # The listing ------------------------------------------------------------

    def get_object(self, request, slug: str | None = None):
        self.edition = edition_current(request)
        return None

    def articles(self, obj) -> QuerySet[Article] | selectors.Listing:
        return selectors.articles_public(edition=self.edition)

    def listing_name(self, obj) -> str:
        return ""

    def listing_url(self, obj) -> str:
        return reverse("web:home")

    def feed_address(self, obj) -> str:
        return feed_url(self.kind, getattr(obj, "slug", None), fmt=self.fmt)

    # The feed ---------------------------------------------------------------

    def title(self, obj) -> str:
        site = text_clean(site_setting("NAME"))
        name = self.listing_name(obj)
        return _("%(site)s: %(listing)s") % {"site": site, "listing": name} if name else site

    def link(self, obj) -> str:
        return absolute(self.listing_url(obj))

    def feed_url(self, obj) -> str:
        return absolute(self.feed_address(obj))

    def description(self, obj) -> str:
        own = text_clean(getattr(obj, "description", "") or getattr(obj, "bio", ""), 500)
        return own or text_clean(_(site_setting("TAGLINE")), 500) or self.title(obj)

    def feed_guid(self, obj) -> str:
        return tag_uri("feed", self.edition, self.kind, *([obj.pk] if obj is not None else []))

    def author_name(self, obj) -> str:
        # Atom needs an author for entries without a byline: the publication is one.
        return text_clean(site_setting("NAME"))

    def feed_extra_kwargs(self, obj) -> dict:
        return {"last_modified": getattr(self, "last_modified", None)}

    def items(self, obj) -> list[Article]:
        limit = feeds_setting("ITEMS")
        found = self.articles(obj)
        if isinstance(found, selectors.Listing):
            found = found.newest(limit)
        items = list(feed_items(found)[:limit])
        self.item_list = items
        return items

    # An item ----------------------------------------------------------------

    def item_title(self, item: Article) -> str:
        return text_clean(item.title)

    def item_link(self, item: Article) -> str:
        return absolute(item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        return tag_uri("article", item.pk)

    def item_description(self, item: Article) -> str:
        return item.teaser

    def item_pubdate(self, item: Article) -> dt.datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        # The update the article page shows (docs/architecture.md, "Updated"), not every save.
        return item.revised_at or item.published_at

    def item_enclosures(self, item: Article) -> list:
        enclosure = image_enclosure(item)
        return [enclosure] if enclosure else []

    def item_categories(self, item: Article) -> list[str]:
        names = [item.section.local_name] if item.section else []
        return names + [t.local_name for t in item.tags.all() if t.local_name not in names]

    def item_extra_kwargs(self, item: Article) -> dict:
        authors = [
            (byline.author.name, absolute(byline.author.get_absolute_url()))
            for byline in item.bylines.all()
        ]
        content = None
        if feeds_setting("CONTENT") == "full":
            content = links_absolute(body_render(item), self.item_link(item))
        return {"authors": authors, "content": content}


class SectionFeed(ArticleFeed):
    kind = "section"

    def get_object(self, request, slug: str | None = None):
        super().get_object(request)
        return Section.objects.get(slug=slug)

    def articles(self, obj):
        return selectors.articles_in_section(obj, edition=self.edition)

    def listing_name(self, obj) -> str:
        return obj.local_name

    def listing_url(self, obj) -> str:
        return obj.get_absolute_url()


class TagFeed(SectionFeed):
    kind = "tag"

    def get_object(self, request, slug: str | None = None):
        ArticleFeed.get_object(self, request)
        return Tag.objects.get(slug=slug)

    def articles(self, obj):
        return selectors.articles_tagged(obj, edition=self.edition)


class PlaceFeed(SectionFeed):
    kind = "place"

    def get_object(self, request, slug: str | None = None):
        ArticleFeed.get_object(self, request)
        return Place.objects.get(slug=slug)

    def articles(self, obj):
        return selectors.articles_in_place(obj, edition=self.edition)


class AuthorFeed(SectionFeed):
    kind = "author"

    def get_object(self, request, slug: str | None = None):
        ArticleFeed.get_object(self, request)
        return Author.objects.get(slug=slug)

    def articles(self, obj):
        return selectors.articles_by_author(obj, edition=self.edition)

    def listing_name(self, obj) -> str:
        return obj.name


FEEDS = {
    "site": ArticleFeed,
    "section": SectionFeed,
    "tag": TagFeed,
    "place": PlaceFeed,
    "author": AuthorFeed,
}
