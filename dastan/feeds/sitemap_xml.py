"""Sitemap XML written as text, a piece at a time, so a large file can stream.

Every value is escaped, and text from the database loses the characters XML 1.0
forbids (C0 controls, U+FFFE, U+FFFF): a stored title cannot break the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from dastan.feeds.meta import text_clean

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object, limit: int = 300) -> str:
    """Return stored text as escaped XML character data of one line."""
    return escape(_NOT_XML.sub("", text_clean(value, limit)))


def w3c_datetime(value: dt.datetime) -> str:
    """Return ``value`` in the W3C Datetime form the protocol asks for, in UTC, to the second."""
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def urlset_open(*namespaces: tuple[str, str]) -> str:
    extra = "".join(f" xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in namespaces)
    return f'{DECLARATION}<urlset xmlns="{SITEMAP_NS}"{extra}>\n'


URLSET_CLOSE = "</urlset>\n"


def url_element(
    loc: str,
    *,
    lastmod: dt.datetime | None = None,
    alternates: Iterable[tuple[str, str]] = (),
    extra: str = "",
) -> str:
    """Return one ``<url>``; ``alternates`` are (hreflang, address) pairs as ``xhtml:link``."""
    parts = [f"<url><loc>{escape(loc)}</loc>"]
    if lastmod is not None:
        parts.append(f"<lastmod>{w3c_datetime(lastmod)}</lastmod>")
    parts += [
        f'<xhtml:link rel="alternate" hreflang={quoteattr(code)} href={quoteattr(href)}/>'
        for code, href in alternates
    ]
    parts.append(extra)
    parts.append("</url>\n")
    return "".join(parts)


def sitemap_index(entries: Iterable[tuple[str, dt.datetime | None]]) -> str:
    """Return a ``<sitemapindex>`` of (address, lastmod) pairs."""
    parts = [f'{DECLARATION}<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for loc, lastmod in entries:
        stamp = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod is not None else ""
        parts.append(f"<sitemap><loc>{escape(loc)}</loc>{stamp}</sitemap>\n")
    parts.append("</sitemapindex>\n")
    return "".join(parts)
