"""Read a WordPress eXtended RSS (WXR 1.0 to 1.2) export as a stream of plain records.

Nothing here touches the database. The file is parsed incrementally with
lxml's ``iterparse`` and every finished channel child is cleared, so memory
stays flat however large the export is.

Safety: entities are never resolved, no DTD is loaded and no network is
used; a document with a DOCTYPE is refused outright, because a WordPress
export never has one and entity tricks (billion laughs, external entities)
need it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from lxml import etree

__all__ = [
    "Author",
    "Channel",
    "Comment",
    "Item",
    "ItemTerm",
    "Term",
    "WxrError",
    "parse_gmt",
    "read_wxr",
    "wxr_version_error",
    "wxr_version_is_newer",
]


class WxrError(Exception):
    """The export cannot be read; ``line`` and ``column`` say where (1-based)."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.message = message
        self.line = line
        self.column = column
        where = f"line {line}: " if line is not None else ""
        if line is not None and column is not None:
            where = f"line {line}, column {column}: "
        super().__init__(f"{where}{message}")

    def __reduce__(self):
        # Keep line and column when the error crosses from the reading process.
        return _wxr_error, (self.message, self.line, self.column)


def _wxr_error(message: str, line: int | None, column: int | None) -> WxrError:
    return WxrError(message, line=line, column=column)


@dataclass(slots=True)
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    language: str = ""
    # Where <channel> and <wp:wxr_version> are in the file (0: not seen).
    line: int = 0
    wxr_version_line: int = 0


@dataclass(slots=True)
class Author:
    login: str
    display_name: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: int | None = None


@dataclass(slots=True)
class Term:
    """A channel-level term: ``category``, ``post_tag`` or any other taxonomy."""

    taxonomy: str
    slug: str
    name: str
    parent: str = ""
    description: str = ""
    term_id: int | None = None


@dataclass(slots=True)
class ItemTerm:
    """A term attached to an item (``<category domain=... nicename=...>``)."""

    domain: str
    slug: str
    name: str


@dataclass(slots=True)
class Comment:
    type: str
    approved: str
    parent: int


@dataclass(slots=True)
class Item:
    wp_id: int
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    modified_gmt: str = ""
    name: str = ""
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[ItemTerm] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    line: int = 0

    def meta_value(self, key: str) -> str:
        """Return the first value of post meta ``key``, or ''."""
        for k, v in self.meta:
            if k == key:
                return v
        return ""


Record = Channel | Author | Term | Item

# Reported element names: direct children of <channel>. "{*}" matches any
# namespace, so http and https spellings of the wp namespace (both occur in
# real exports) and WXR 1.0/1.1/1.2 all work.
_EVENT_TAGS = (
    "item",
    "{*}author",
    "{*}category",
    "{*}tag",
    "{*}term",
    "title",
    "link",
    "language",
    "{*}base_site_url",
    "{*}base_blog_url",
    "{*}wxr_version",
)
_CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "language": "language",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
}


@lru_cache(maxsize=512)
def _name(tag: str) -> str:
    """Return a Clark name as ``prefix:local`` with WXR's usual prefixes."""
    if not isinstance(tag, str) or not tag.startswith("{"):
        return tag if isinstance(tag, str) else ""
    uri, local = tag[1:].split("}", 1)
    if "wordpress.org/export/" in uri:
        prefix = "excerpt" if uri.rstrip("/").endswith("excerpt") else "wp"
    elif "purl.org/rss/1.0/modules/content" in uri:
        prefix = "content"
    elif "purl.org/dc/elements" in uri:
        prefix = "dc"
    elif "wellformedweb.org" in uri:
        prefix = "wfw"
    else:
        prefix = uri
    return f"{prefix}:{local}"


def _text(el) -> str:
    return (el.text or "").strip()


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return default


def parse_gmt(value: str) -> dt.datetime | None:
    """Return a WordPress ``YYYY-MM-DD HH:MM:SS`` GMT date as an aware datetime.

    WordPress writes ``0000-00-00 00:00:00`` for drafts never scheduled.
    """
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _author(el) -> Author:
    values = {_name(child.tag): _text(child) for child in el}
    return Author(
        login=values.get("wp:author_login", ""),
        display_name=values.get("wp:author_display_name", ""),
        email=values.get("wp:author_email", ""),
        first_name=values.get("wp:author_first_name", ""),
        last_name=values.get("wp:author_last_name", ""),
        wp_id=_int(values["wp:author_id"]) if values.get("wp:author_id") else None,
    )


def _term(el, kind: str) -> Term:
    v = {_name(child.tag): _text(child) for child in el}
    term_id = _int(v["wp:term_id"]) if v.get("wp:term_id") else None
    if kind == "wp:category":
        return Term(
            "category",
            v.get("wp:category_nicename", ""),
            v.get("wp:cat_name", ""),
            v.get("wp:category_parent", ""),
            v.get("wp:category_description", ""),
            term_id,
        )
    if kind == "wp:tag":
        return Term(
            "post_tag",
            v.get("wp:tag_slug", ""),
            v.get("wp:tag_name", ""),
            "",
            v.get("wp:tag_description", ""),
            term_id,
        )
    return Term(
        v.get("wp:term_taxonomy", ""),
        v.get("wp:term_slug", ""),
        v.get("wp:term_name", ""),
        v.get("wp:term_parent", ""),
        v.get("wp:term_description", ""),
        term_id,
    )


def _comment(el) -> Comment:
    v = {_name(child.tag): _text(child) for child in el if _name(child.tag) != "wp:commentmeta"}
    return Comment(
        type=v.get("wp:comment_type", "") or "comment",
        approved=v.get("wp:comment_approved", ""),
        parent=_int(v.get("wp:comment_parent", "")),
    )


def _item(el) -> Item:
    item = Item(wp_id=0, line=el.sourceline or 0)
    for child in el:
        name = _name(child.tag)
        if name == "content:encoded":
            item.content = child.text or ""
        elif name == "excerpt:encoded":
            item.excerpt = child.text or ""
        elif name == "category":
            domain = child.get("domain", "category")
            item.terms.append(ItemTerm(domain, child.get("nicename", ""), _text(child)))
        elif name == "wp:postmeta":
            key = value = ""
            for part in child:
                part_name = _name(part.tag)
                if part_name == "wp:meta_key":
                    key = _text(part)
                elif part_name == "wp:meta_value":
                    value = part.text or ""
            item.meta.append((key, value))
        elif name == "wp:comment":
            item.comments.append(_comment(child))
        elif name in _ITEM_FIELDS:
            attr, convert = _ITEM_FIELDS[name]
            setattr(item, attr, convert(_text(child)))
    _check_ids(item, el)
    for attr, tag in (("link", "link"), ("attachment_url", "wp:attachment_url")):
        _check_url(getattr(item, attr), f"post {item.wp_id}: <{tag}>", line=item.line)
    return item


def _check_url(url: str, where: str, *, line: int) -> None:
    """Refuse an address no part of the import could take apart ("http://[::1", a port past
    65535): WordPress writes none, so the export is damaged there."""
    if not url:
        return
    try:
        urlsplit(url.strip()).port  # noqa: B018
    except ValueError as error:
        raise WxrError(f"{where} {url[:100]!r} is not a URL ({error})", line=line) from error


# Ids are stored in 64-bit signed integer columns (SQLite and PostgreSQL bigint).
MAX_ID = 2**63 - 1


def _check_ids(item: Item, el) -> None:
    """Refuse an item whose ids the database cannot hold, saying where it is."""
    if 0 < item.wp_id <= MAX_ID and 0 <= item.parent <= MAX_ID:
        return
    raw = {_name(child.tag): _text(child) for child in el if _name(child.tag) in _ID_FIELDS}
    if not 0 < item.wp_id <= MAX_ID:
        value = raw.get("wp:post_id", "")
        raise WxrError(
            f"post id {value!r} is not a whole number from 1 to {MAX_ID}", line=item.line
        )
    if not 0 <= item.parent <= MAX_ID:
        value = raw.get("wp:post_parent", "")
        raise WxrError(
            f"post {item.wp_id}: parent id {value!r} is not a whole number from 0 to {MAX_ID}",
            line=item.line,
        )


_ID_FIELDS = {"wp:post_id", "wp:post_parent"}


_ITEM_FIELDS: dict[str, tuple[str, Callable[[str], object]]] = {
    "title": ("title", str),
    "link": ("link", str),
    "guid": ("guid", str),
    "dc:creator": ("creator", str),
    "wp:post_id": ("wp_id", _int),
    "wp:post_type": ("post_type", str),
    "wp:status": ("status", str),
    "wp:post_date": ("post_date", str),
    "wp:post_date_gmt": ("post_date_gmt", str),
    "wp:post_modified_gmt": ("modified_gmt", str),
    "wp:post_name": ("name", str),
    "wp:post_parent": ("parent", _int),
    "wp:menu_order": ("menu_order", _int),
    "wp:post_password": ("password", str),
    "wp:is_sticky": ("is_sticky", lambda v: v == "1"),
    "wp:attachment_url": ("attachment_url", str),
}


class _CountingReader:
    """Wrap a binary file and report how many bytes were read, for the progress bar."""

    def __init__(self, raw: IO[bytes], on_progress: Callable[[int], None]):
        self.raw = raw
        self.on_progress = on_progress

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if data:
            self.on_progress(len(data))
        return data


# WordPress's importer refuses an export whose version is not "digits.digits"
# (WXR_Parser: "This does not appear to be a WXR file, missing/invalid WXR
# version number") and warns above the newest version it knows.
_WXR_VERSION = re.compile(r"^\d+\.\d+$")
NEWEST_WXR_VERSION = (1, 2)


def wxr_version_error(channel: Channel) -> WxrError | None:
    """Return why WordPress would refuse the export's ``wp:wxr_version``, or None."""
    version = channel.wxr_version
    if not version:
        return WxrError(
            "<wp:wxr_version> is missing from <channel>: WordPress refuses such a file "
            "(give --lenient to import it anyway)",
            line=channel.line or None,
        )
    if not _WXR_VERSION.match(version):
        return WxrError(
            f"<wp:wxr_version> is {version[:40]!r}, not a version such as 1.2: WordPress "
            "refuses such a file (give --lenient to import it anyway)",
            line=channel.wxr_version_line or None,
        )
    return None


def wxr_version_is_newer(channel: Channel) -> bool:
    """Return whether the export is a valid version newer than the newest one known."""
    if not _WXR_VERSION.match(channel.wxr_version):
        return False
    major, minor = (int(part) for part in channel.wxr_version.split("."))
    return (major, minor) > NEWEST_WXR_VERSION


def _refuse_doctype(el) -> None:
    docinfo = el.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise WxrError(
            "the file declares a DOCTYPE; WordPress exports never do, and entity "
            "declarations are refused (XML attack protection)",
            line=1,
            column=1,
        )


def read_wxr(
    source: str | Path | IO[bytes],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[Record]:
    """Yield the channel, then authors, terms and items, in file order.

    The ``Channel`` is yielded once, before the first author, term or item.
    ``on_progress`` receives the number of bytes read at each step.
    Raise ``WxrError`` (with line and column) on malformed or unsafe XML.
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield from read_wxr(handle, on_progress=on_progress)
        return
    stream = _CountingReader(source, on_progress) if on_progress else source
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=_EVENT_TAGS,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        # A long post (over 10 MB of text in one node) is legitimate; entity
        # expansion, which huge_tree would otherwise let grow, is refused above.
        huge_tree=True,
    )
    channel = Channel()
    channel_sent = False
    checked = False
    try:
        for _, el in events:
            if not checked:
                _refuse_doctype(el)
                checked = True
            parent = el.getparent()
            if parent is None or parent.tag != "channel":
                continue  # an item's own <title>, <category> ...: read with the item
            name = _name(el.tag)
            channel.line = channel.line or parent.sourceline or 0
            if name in _CHANNEL_FIELDS:
                setattr(channel, _CHANNEL_FIELDS[name], _text(el))
                if name == "wp:wxr_version":
                    channel.wxr_version_line = el.sourceline or 0
                continue
            if not channel_sent:
                channel_sent = True
                for attr in ("link", "base_site_url", "base_blog_url"):
                    _check_url(getattr(channel, attr), f"<channel> {attr}", line=channel.line)
                yield channel
            if name == "item":
                record: Record = _item(el)
            elif name == "wp:author":
                record = _author(el)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                record = _term(el, name)
            else:
                continue
            # Free what was read: this element and the siblings before it.
            el.clear(keep_tail=False)
            while el.getprevious() is not None:
                del parent[0]
            yield record
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        message = re.sub(r",? line \d+, column \d+$", "", exc.msg or "") or "malformed XML"
        raise WxrError(message, line=line, column=column) from exc
    root = events.root
    if root is None or _name(root.tag) != "rss" or not (channel_sent or channel.wxr_version):
        raise WxrError("not a WordPress export: no <rss><channel> with WXR content")
    if not channel_sent:
        yield channel
