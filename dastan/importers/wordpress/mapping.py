"""Turn WXR records into what Dastan stores: article records, names and old addresses.

No database access here. ``ExportIndex`` is built in a first pass over the
file (which also proves the XML well formed before anything is written) and
holds what items refer to by id or slug: authors, guest authors, categories,
tags and attachments. ``post_plan`` then maps one post.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from django.utils.html import strip_tags
from django.utils.text import slugify

from dastan.content import models as content
from dastan.content.dates import published_at_error
from dastan.content.models import Article
from dastan.content.services import ArticleRecord
from dastan.content.slugs import slug_normalise
from dastan.importers.wordpress.languages import WPML_META, Editions, default_edition
from dastan.importers.wordpress.paths import legacy_paths, wp_nicename
from dastan.importers.wordpress.wxr import (
    Author,
    Channel,
    Item,
    Term,
    parse_gmt,
    read_wxr,
)

# Bump when the mapping changes, so that re-importing an unchanged export
# rewrites the articles with the new rules.
MAPPING_VERSION = "2"

# WordPress post_status -> Dastan status. Private and trashed posts are kept
# but never shown; "auto-draft" is WordPress's empty autosave and is skipped.
# "pending" is WordPress's "Pending Review": the desk's "Ready for review" (the change
# hash holds the status, so re-importing an export rewrites only those posts).
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.SCHEDULED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
    "private": Article.Status.UNPUBLISHED,
    "trash": Article.Status.UNPUBLISHED,
}
SKIPPED_STATUSES = {"auto-draft", "inherit"}

# Post meta the importer reads; every other key is counted in the report.
USED_META = {
    "_thumbnail_id",
    "_wp_attached_file",
    "_wp_old_slug",
    "_wp_attachment_image_alt",
    # Co-Authors Plus guest authors: login, byline name and bio.
    "cap-user_login",
    "cap-display_name",
    "cap-description",
    # WPML's export: the post's language and translation group.
    *WPML_META,
}

# WordPress post types imported as articles. Pages go to an unlisted section.
IMPORTED_TYPES = ("post", "page")
PAGES_SECTION = "Pages"

TITLE_MAX = content.Article._meta.get_field("title").max_length
SLUG_MAX = 180  # leaves room under Article.slug's 200 for a "-N" suffix
SECTION_NAME_MAX = content.Section._meta.get_field("name").max_length
TAG_NAME_MAX = content.Tag._meta.get_field("name").max_length
AUTHOR_NAME_MAX = content.Author._meta.get_field("name").max_length
_OEMBED_KEY = re.compile(r"_[0-9a-f]{32}$")
_UPLOAD_PATH = re.compile(r"/(\d{4}/\d{2}/[^/?#]+)$")


@dataclass(slots=True)
class Attachment:
    wp_id: int
    url: str
    parent: int
    rel_path: str
    caption: str
    link: str
    alt: str = ""
    menu_order: int = 0


@dataclass(slots=True)
class GuestAuthor:
    login: str
    display_name: str
    bio: str


@dataclass
class ExportIndex:
    """What the first pass learns: everything items refer to, and the counts."""

    channel: Channel = field(default_factory=Channel)
    authors: dict[str, Author] = field(default_factory=dict)
    guest_authors: dict[str, GuestAuthor] = field(default_factory=dict)
    categories: dict[str, Term] = field(default_factory=dict)
    tags: dict[str, Term] = field(default_factory=dict)
    other_terms: Counter = field(default_factory=Counter)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    # Guids of the posts and pages, to recognise a blog imported before under another address.
    guids: set[str] = field(default_factory=set)
    items: Counter = field(default_factory=Counter)
    comments: Counter = field(default_factory=Counter)
    ignored_meta: Counter = field(default_factory=Counter)
    section_names: dict[str, str] = field(default_factory=dict)
    tag_names: dict[str, str] = field(default_factory=dict)
    renamed_sections: list[dict] = field(default_factory=list)
    declared: dict[str, set[str]] = field(default_factory=dict)
    # WordPress user_nicename -> login, for Co-Authors Plus byline terms.
    nicenames: dict[str, str] = field(default_factory=dict)
    # Languages and translations (Polylang, WPML).
    editions: Editions = field(default_factory=Editions)
    # (taxonomy, slug) -> edition code, for terms a translation group names.
    term_languages: dict[tuple[str, str], str] = field(default_factory=dict)
    # (taxonomy, slug) of a translated term -> the slug of the term it is one section/tag with.
    term_main: dict[tuple[str, str], str] = field(default_factory=dict)
    # Main term's (taxonomy, slug) -> {edition code: the name in that edition}.
    term_names: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @property
    def has_pages(self) -> bool:
        return any(post_type == "page" for post_type, _ in self.items)

    @property
    def site(self) -> str:
        return site_key(self.channel)

    @property
    def base_path(self) -> str:
        """Return the blog's path prefix ('' at the root, '/demo' for a blog in /demo)."""
        url = self.channel.base_blog_url or self.channel.link
        return unquote(urlsplit(url).path).rstrip("/")

    def add(self, record) -> None:
        """Take one record of the first pass into account."""
        if isinstance(record, Channel):
            self.channel = record
            self.editions.channel_language(record.language)
        elif isinstance(record, Author):
            if record.login:
                self.authors[record.login] = record
        elif isinstance(record, Term):
            self._add_term(record)
        elif isinstance(record, Item):
            self._add_item(record)

    def _add_term(self, term: Term) -> None:
        self.editions.add_term(term)
        self.declared.setdefault(term.taxonomy, set()).add(term.slug)
        if term.taxonomy == "category" and term.slug:
            self.categories.setdefault(term.slug, term)
        elif term.taxonomy == "post_tag" and term.slug:
            self.tags.setdefault(term.slug, term)
        else:
            self.other_terms[term.taxonomy or "unknown"] += 1

    def _add_item(self, item: Item) -> None:
        self.items[(item.post_type, item.status)] += 1
        for comment in item.comments:
            kind = comment.type
            self.comments[kind] += 1
            if comment.approved != "1":
                self.comments["unapproved"] += 1
            if comment.parent:
                self.comments["replies"] += 1
        for key, _ in item.meta:
            if key not in USED_META:
                self.ignored_meta[_OEMBED_KEY.sub("_*", key)] += 1
        if item.post_type in IMPORTED_TYPES:
            self.editions.add_item(item)
            if item.guid:
                self.guids.add(item.guid[:500])
        if item.post_type == "post":
            for term in item.terms:
                # WXR 1.0 items may name categories not declared in the channel.
                if term.domain == "category" and (term.slug or term.name):
                    slug = term.slug or slugify(term.name)
                    self.categories.setdefault(slug, Term("category", slug, term.name))
                elif term.domain in ("post_tag", "tag") and (term.slug or term.name):
                    slug = term.slug or slugify(term.name)
                    self.tags.setdefault(slug, Term("post_tag", slug, term.name))
        elif item.post_type == "attachment":
            self.attachments[item.wp_id] = Attachment(
                wp_id=item.wp_id,
                url=item.attachment_url,
                parent=item.parent,
                rel_path=upload_rel_path(item),
                caption=clean_title(item.excerpt),
                link=item.link,
                alt=clean_title(item.meta_value("_wp_attachment_image_alt"))[:500],
                menu_order=max(-(2**31), min(item.menu_order, 2**31 - 1)),
            )
        elif item.post_type == "guest-author":
            # The guest's post_name is "cap-<user_nicename>"; its login is in meta.
            nicename = unquote(item.name.removeprefix("cap-"))
            login = item.meta_value("cap-user_login").strip() or nicename
            if nicename:
                self.nicenames.setdefault(nicename, login)
            self.guest_authors[login] = GuestAuthor(
                login=login,
                display_name=item.meta_value("cap-display_name") or item.title or login,
                bio=item.meta_value("cap-description"),
            )

    def finish(self) -> None:
        """Name sections and tags once all terms are known.

        Sections and tags are matched by name (their slug comes from the
        name), so two categories with the same name would become one section;
        the later one is renamed "Name (Parent)" and reported.
        """
        self._link_terms()
        taken: dict[str, str] = {}
        for slug, term in self.categories.items():
            if ("category", slug) in self.term_main:
                continue
            name = clip(clean_title(term.name) or unquote(slug), SECTION_NAME_MAX)
            if slugify(name, allow_unicode=True) in taken:
                parent = self.categories.get(term.parent)
                qualifier = f" ({clean_title(parent.name) if parent else unquote(slug)})"
                renamed = clip(name, SECTION_NAME_MAX - len(qualifier[:60])) + qualifier[:60]
                self.renamed_sections.append({"slug": slug, "name": name, "now": renamed})
                name = renamed
            taken[slugify(name, allow_unicode=True)] = slug
            self.section_names[slug] = name
        for slug, term in self.tags.items():
            self.tag_names[slug] = clip(clean_title(term.name) or unquote(slug), TAG_NAME_MAX)
        for (taxonomy, slug), main in self.term_main.items():
            names = self.section_names if taxonomy == "category" else self.tag_names
            names[slug] = names[main]
        for login in self.authors:
            self.nicenames.setdefault(wp_nicename(login), login)

    def _link_terms(self) -> None:
        """Make each group of translated categories (and tags) one section (tag).

        The term in the default edition names the section; the others give
        its name in their edition and their old addresses redirect to it.
        """
        by_id: dict[int, tuple[str, str]] = {}
        for taxonomy, terms in (("category", self.categories), ("post_tag", self.tags)):
            by_id.update((t.term_id, (taxonomy, slug)) for slug, t in terms.items() if t.term_id)
        default = default_edition()
        for members in self.editions.term_groups:
            found: dict[str, tuple[str, str]] = {}
            for language, term_id in members.items():
                code = self.editions.code(language)
                if code and term_id in by_id and code not in found:
                    found[code] = by_id[term_id]
                    self.term_languages[by_id[term_id]] = code
            if len({taxonomy for taxonomy, _ in found.values()}) != 1 or len(found) < 2:
                continue
            main = found.get(default) or next(iter(found.values()))
            for code, key in found.items():
                if key == main:
                    continue
                taxonomy, slug = key
                terms = self.categories if taxonomy == "category" else self.tags
                name = clean_title(terms[slug].name) or unquote(slug)
                self.term_main[key] = main[1]
                self.term_names.setdefault(main, {})[code] = clip(
                    name, SECTION_NAME_MAX if taxonomy == "category" else TAG_NAME_MAX
                )

    def author_name(self, login: str) -> str:
        """Return the byline name used for a WordPress login, cut to the model's length."""
        if login in self.guest_authors:
            name = self.guest_authors[login].display_name
        else:
            author = self.authors.get(login)
            name = (author.display_name if author else "") or login
        return clip(clean_title(name), AUTHOR_NAME_MAX)

    def category_path(self, slug: str) -> str:
        """Return ``parent/child`` as WordPress builds category URLs."""
        parts, seen = [], set()
        while slug and slug not in seen and slug in self.categories:
            seen.add(slug)
            parts.append(slug)
            slug = self.categories[slug].parent
        return "/".join(reversed(parts))


def index_export(
    source: str | Path | IO[bytes], *, on_progress: Callable[[int], None] | None = None
) -> ExportIndex:
    """Read the whole export once and return its index; raise WxrError if it is malformed."""
    index = ExportIndex()
    for record in read_wxr(source, on_progress=on_progress):
        index.add(record)
    index.finish()
    return index


def site_key(channel: Channel) -> str:
    """Return the blog's address without scheme: http and https exports are the same site."""
    url = channel.base_blog_url or channel.link
    parts = urlsplit(url)
    return (parts.netloc.lower() + parts.path.rstrip("/"))[:200]


def upload_rel_path(item: Item) -> str:
    """Return an attachment's path inside the uploads folder, e.g. ``2008/06/a.jpg``."""
    attached = item.meta_value("_wp_attached_file").strip().lstrip("/")
    if attached:
        return attached
    match = _UPLOAD_PATH.search(urlsplit(item.attachment_url).path)
    return unquote(match.group(1)) if match else ""


def clip(value: str, length: int) -> str:
    """Return ``value`` cut to ``length`` characters (a model's max_length), without end spaces."""
    return value[:length].strip()


def clean_title(value: str) -> str:
    """Return a title as plain text: WordPress titles may hold markup and entities."""
    if "<" in value or "&" in value:
        value = html.unescape(strip_tags(value))
    return " ".join(value.split())


def has_blocks(content: str) -> bool:
    """Return whether a body was written in the block editor.

    WordPress skips ``wpautop`` for such content (``do_blocks`` removes the
    filter when ``has_blocks()``), because blocks carry their own paragraphs.
    """
    return "<!-- wp:" in content


def format_body(content: str) -> str:
    """Return the body as WordPress would display it: paragraphs made by wpautop.

    Shortcodes stay as written; they are rendered (and the HTML sanitised)
    when a reader sees the article, so the stored body is faithful.
    """
    from dastan.rendering.autop import autop

    if not content.strip():
        return ""
    if has_blocks(content):
        return content.strip()
    return autop(content)


def article_status(item: Item) -> tuple[str | None, str]:
    """Return the Dastan status for a post and a note ('' when nothing to say).

    A password-protected post stays unpublished: Dastan has no passwords and
    such a post was never meant for every reader.
    """
    status = STATUSES.get(item.status)
    if status is None:
        return None, f"status {item.status!r} is not imported"
    if item.password and status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        return Article.Status.UNPUBLISHED, "password-protected: imported unpublished"
    return status, ""


@dataclass
class PostPlan:
    """One post ready to load: the record, its old addresses and what to report."""

    wp_id: int
    guid: str
    record: ArticleRecord
    legacy_paths: list[str]
    notes: list[str]
    post_type: str = "post"
    content_hash: str = ""

    def compute_hash(self) -> str:
        r = self.record
        parts = [
            MAPPING_VERSION,
            r.language,
            r.title,
            r.body,
            r.excerpt,
            "|".join(r.authors),
            "|".join(r.sections),
            "|".join(r.tags),
            r.published_at.isoformat() if r.published_at else "",
            str(r.status),
            r.legacy_url,
            r.featured_image_url,
            r.featured_image_caption,
            str(r.is_featured),
            "|".join(self.legacy_paths),
        ]
        digest = hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False)
        self.content_hash = digest.hexdigest()
        return self.content_hash


def post_authors(item: Item, index: ExportIndex) -> tuple[list[str], list[str]]:
    """Return the ordered byline names and any notes.

    Co-Authors Plus exports each byline as a term of the ``author`` taxonomy,
    in byline order: its name is the login and its nicename
    ``cap-<user_nicename>``. Without them the WordPress author
    (``dc:creator``) is the byline.
    """
    notes: list[str] = []
    logins = [_byline_login(t, index) for t in item.terms if t.domain == "author"]
    if not logins:
        creator = item.creator.strip()
        if creator and creator not in index.authors:
            repaired = creator.strip("<>& \t")
            if repaired in index.authors or repaired in index.guest_authors:
                notes.append(f"author {creator!r} read as {repaired!r}")
                creator = repaired
            else:
                notes.append(f"author {creator!r} is not declared in the export")
        logins = [creator] if creator else []
    names = (index.author_name(login) for login in logins if login)
    return list(dict.fromkeys(n for n in names if n)), notes


def _byline_login(term, index: ExportIndex) -> str:
    """Return the login a Co-Authors Plus byline term stands for."""
    name = term.name.strip()
    if name in index.guest_authors or name in index.authors:
        return name
    nicename = unquote(term.slug.removeprefix("cap-"))
    return index.nicenames.get(nicename) or name or nicename


def _slug_hint(item: Item, title: str, notes: list[str]) -> str:
    """Return the post's slug: its WordPress name made a valid slug, else one from the title."""
    name = unquote(item.name).strip()
    slug = slug_normalise(name, max_length=SLUG_MAX, fallback="") if name else ""
    if name and slug != name:
        notes.append(f"slug {item.name!r} is not a valid slug: imported as {slug or '(none)'!r}")
    slug = slug or slug_normalise(title, max_length=SLUG_MAX, fallback="")
    return slug or f"post-{item.wp_id}"


def _published_at(item: Item):
    return parse_gmt(item.post_date_gmt) or parse_gmt(item.post_date)


def post_plan(
    item: Item,
    index: ExportIndex,
    *,
    resolve_media: Callable[[str], str | None] | None = None,
    rewrite_body: Callable[[str], str] | None = None,
) -> PostPlan | None:
    """Map one post to a ``PostPlan``; return None for a status that is not imported."""
    status, note = article_status(item)
    if status is None:
        return None
    notes = [note] if note else []
    title = clean_title(item.title)
    if not title:
        title = "(no title)"
        notes.append("untitled")
    published_at = _published_at(item)
    if status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED) and published_at is None:
        status = Article.Status.DRAFT
        notes.append("no date: imported as a draft")
    if status in (Article.Status.DRAFT, Article.Status.REVIEW) and not item.post_date_gmt.strip(
        "0-: "
    ):
        published_at = None
    problem = published_at_error(published_at)
    if problem:
        published_at, status = None, Article.Status.DRAFT
        notes.append(f"{problem}: imported as a draft without a date")
    language, language_note = index.editions.post_language(item)
    if language_note:
        notes.append(language_note)
    authors, author_notes = post_authors(item, index)
    notes.extend(author_notes)
    sections, tags = ([PAGES_SECTION], []) if item.post_type == "page" else ([], [])
    for term in item.terms:
        slug = term.slug or slugify(term.name)
        if term.domain == "category" and slug in index.section_names:
            sections.append(index.section_names[slug])
        elif term.domain in ("post_tag", "tag") and slug in index.tag_names:
            tags.append(index.tag_names[slug])
    body = format_body(item.content)
    if rewrite_body is not None:
        body = rewrite_body(body)
    featured_url = featured_caption = ""
    thumbnail = item.meta_value("_thumbnail_id").strip()
    if thumbnail.isdigit() and int(thumbnail) in index.attachments:
        attachment = index.attachments[int(thumbnail)]
        featured_caption = clean_title(attachment.caption)[:500]
        featured_url = (resolve_media(attachment.url) if resolve_media else None) or ""
        if not featured_url:
            featured_url = attachment.url
    elif thumbnail:
        notes.append(f"featured image {thumbnail} is not in the export")
    record = ArticleRecord(
        title=title[:TITLE_MAX],
        slug=_slug_hint(item, title, notes),
        body=body,
        excerpt=item.excerpt.strip(),
        authors=authors,
        sections=list(dict.fromkeys(sections)),
        tags=list(dict.fromkeys(tags)),
        language=language,
        published_at=published_at,
        status=status,
        legacy_url=item.link[:500],
        featured_image_url=featured_url[:500],
        featured_image_caption=featured_caption,
        is_featured=item.is_sticky,
        is_listed=item.post_type != "page",
    )
    plan = PostPlan(
        wp_id=item.wp_id,
        guid=item.guid[:500],
        record=record,
        legacy_paths=legacy_paths(item, index),
        notes=notes,
        post_type=item.post_type,
    )
    plan.compute_hash()
    return plan
