"""Django's RSS 2.0 and Atom generators with media elements, and a JSON Feed 1.1 one.

Every string is cleaned on its way in: XML 1.0 forbids most control characters
(Django's generator raises on them), and an imported article can hold any.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils import feedgenerator
from django.utils.xmlutils import SimplerXMLGenerator

# Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets), and C1 controls,
# which it allows but discourages and no reader shows.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def xml_text(value: Any) -> Any:
    """Return ``value`` (a string, or a list or tuple of them) without XML-forbidden characters."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_text(v) for v in value)
    return value


class CleanFeed:
    """Clean the feed's and items' strings; list every author and the featured image."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*xml_text(list(args)), **{k: xml_text(v) for k, v in kwargs.items()})

    def add_item(self, **kwargs) -> None:
        super().add_item(**{k: xml_text(v) for k, v in kwargs.items()})

    def latest_post_date(self):
        # Django falls back to "now" for a feed without items, which would change the
        # feed's bytes (and ETag) on every build; the caller's newest change is stable.
        if not self.items and self.feed.get("last_modified") is not None:
            return self.feed["last_modified"]
        return super().latest_post_date()


def _media(handler: SimplerXMLGenerator, item: dict) -> None:
    for enclosure in item.get("enclosures") or ():
        attrs = {"url": enclosure.url, "medium": "image", "type": enclosure.mime_type}
        if enclosure.length != "0":
            attrs["fileSize"] = enclosure.length
        handler.addQuickElement("media:content", None, attrs)


class RssFeed(CleanFeed, feedgenerator.Rss201rev2Feed):
    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:media": MEDIA_NS,
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
        }

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, item)
        for name, _url in item.get("authors") or ():
            handler.addQuickElement("dc:creator", name)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        _media(handler, item)


class AtomFeed(CleanFeed, feedgenerator.Atom1Feed):
    content_type = "application/atom+xml; charset=utf-8"

    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, item)
        for name, url in item.get("authors") or ():
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        _media(handler, item)


class JsonFeed(CleanFeed, feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) from the same feed values."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding) -> None:
        json.dump(self.as_dict(), outfile, ensure_ascii=False, separators=(",", ":"))

    def as_dict(self) -> dict[str, Any]:
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "items": [self._item(item) for item in self.items],
        }
        if self.feed.get("author_name"):
            feed["authors"] = [{"name": self.feed["author_name"], "url": self.feed["link"]}]
        return feed

    def _item(self, item: dict) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
        }
        if item.get("content"):
            found["content_html"] = item["content"]
            found["summary"] = item["description"]
        else:
            # One of content_html and content_text is required; the excerpt is plain text.
            found["content_text"] = item["description"]
        enclosures = item.get("enclosures") or ()
        if enclosures:
            found["image"] = enclosures[0].url
        found["date_published"] = feedgenerator.rfc3339_date(item["pubdate"])
        found["date_modified"] = feedgenerator.rfc3339_date(item["updateddate"] or item["pubdate"])
        if item.get("authors"):
            found["authors"] = [{"name": name, "url": url} for name, url in item["authors"]]
        if item.get("categories"):
            found["tags"] = list(item["categories"])
        return found
