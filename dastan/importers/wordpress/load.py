"""Load a WordPress export into Dastan, in one transaction, and say what happened.

Two passes over the file: the first (``index_export``) reads it whole, which
proves it well formed before anything is written and collects what posts
refer to; the second streams the posts into ``articles_upsert`` a batch at
a time. Everything is written in one transaction, so a failure part-way
leaves the site as it was, and ``dry_run`` simply rolls it back.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from dastan.content.models import Article, Author, Section, Tag
from dastan.content.services import (
    articles_upsert,
    author_bio_fill,
    authors_get_or_create,
    sections_file,
    sections_get_or_create,
    tags_get_or_create,
    unique_slug,
)
from dastan.importers.models import WordPressItem
from dastan.importers.wordpress.mapping import (
    SLUG_MAX,
    ExportIndex,
    PostPlan,
    author_name,
    author_paths,
    clean_title,
    index_export,
    post_plan,
    section_paths,
    tag_paths,
    url_path,
)
from dastan.importers.wordpress.media import MediaLibrary, upload_base
from dastan.importers.wordpress.wxr import Item, read_wxr
from dastan.redirects.models import LegacyRedirect

BATCH_SIZE = 500
REDIRECT_BATCH = 2000
# Skipped item types listed one by one in the report; others are only counted.
LISTED_SKIPS = {"page"}

Progress = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], Any]]]


@dataclass
class ImportReport:
    """What an import did, as counts and lists that can be saved as JSON."""

    file: str
    site: str
    dry_run: bool
    source: dict[str, Any] = field(default_factory=dict)
    articles: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    skipped_items: list[dict] = field(default_factory=list)
    authors: dict[str, int] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    media: dict[str, Any] = field(default_factory=dict)
    redirects: int = 0
    comments: dict[str, int] = field(default_factory=dict)
    ignored_post_meta: dict[str, int] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["articles"] = {k: self.articles.get(k, 0) for k in ("created", "updated", "unchanged")}
        data["skipped"] = dict(self.skipped.most_common())
        return data

    def summary(self) -> str:
        """Return a few lines for the terminal."""
        a = self.articles
        lines = [
            ("Dry run: nothing was written. " if self.dry_run else "")
            + f"Articles: {a['created']} created, {a['updated']} updated, "
            f"{a['unchanged']} unchanged.",
            f"Authors: {self.authors.get('created', 0)} created; sections: "
            f"{self.sections.get('created', 0)} created; tags: {self.tags.get('created', 0)} "
            f"created; redirects: {self.redirects}.",
            f"Media: {self.media.get('copied', 0)} copied, {self.media.get('found', 0)} "
            f"already there, {len(self.media.get('kept_original_url', []))} kept at their "
            "original address.",
            f"Comments not imported: {self.comments.get('total', 0)}; ignored post meta "
            f"entries: {sum(self.ignored_post_meta.values())}.",
        ]
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
            lines.append(f"Skipped: {reasons}.")
        if self.notes:
            lines.append(f"Notes on {len(self.notes)} post(s): see the JSON report.")
        return "\n".join(lines)


@contextlib.contextmanager
def _no_progress(_label: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


def wordpress_import(
    path: str | Path,
    *,
    media_dir: str | Path | None = None,
    dry_run: bool = False,
    site: str | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import the WXR file at ``path``; return the report.

    Raise ``WxrError`` (nothing written) when the file is malformed or unsafe.
    ``site`` overrides the key that identifies the blog (its address), for
    an export taken after the blog moved.
    """
    path = Path(path)
    progress = progress or _no_progress
    started = time.monotonic()
    size = path.stat().st_size
    with progress("Reading", size) as advance:
        index = index_export(path, on_progress=advance)
    report = _start_report(path, index, dry_run, site)
    media = MediaLibrary(
        Path(media_dir) if media_dir else None,
        _upload_bases(index),
        write=not dry_run,
    )
    with transaction.atomic():
        loader = _Loader(index, media, report, batch_size=batch_size)
        loader.load_people_and_terms()
        with progress("Importing", size) as advance:
            for record in read_wxr(path, on_progress=advance):
                if isinstance(record, Item):
                    loader.add(record)
        loader.flush()
        loader.load_attachments()
        loader.finish()
        if dry_run:
            transaction.set_rollback(True)
    report.media = {
        "copied": len(media.copied) if not dry_run else 0,
        "would_copy": len(media.copied) if dry_run else 0,
        "found": len(media.present),
        "kept_original_url": sorted(media.missing),
    }
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _start_report(path: Path, index: ExportIndex, dry_run: bool, site: str | None) -> ImportReport:
    by_type: Counter = Counter()
    by_status: dict[str, dict[str, int]] = {}
    for (post_type, status), n in index.items.items():
        by_type[post_type] += n
        by_status.setdefault(post_type, {})[status] = n
    report = ImportReport(file=str(path), site=site or index.site, dry_run=dry_run)
    report.source = {
        "wxr_version": index.channel.wxr_version,
        "title": index.channel.title,
        "items": sum(by_type.values()),
        "by_type": dict(by_type.most_common()),
        "by_status": by_status,
        "declared_authors": len(index.authors),
        "guest_authors": len(index.guest_authors),
        "declared_categories": len(index.declared.get("category", ())),
        "declared_tags": len(index.declared.get("post_tag", ())),
        "categories": len(index.categories),
        "tags": len(index.tags),
        "other_terms": dict(index.other_terms),
        "renamed_sections": index.renamed_sections,
    }
    report.comments = {
        "total": sum(n for k, n in index.comments.items() if k not in ("unapproved", "replies")),
        **dict(index.comments),
    }
    report.ignored_post_meta = dict(index.ignored_meta.most_common())
    return report


def _upload_bases(index: ExportIndex) -> set[str]:
    return {upload_base(a.url, a.rel_path) for a in index.attachments.values()} - {""}


class _Loader:
    def __init__(
        self, index: ExportIndex, media: MediaLibrary, report: ImportReport, *, batch_size: int
    ) -> None:
        self.index = index
        self.media = media
        self.report = report
        self.site = report.site
        self.batch_size = batch_size
        self.batch: list[PostPlan] = []
        self.seen: set[int] = set()
        self.redirects: dict[str, LegacyRedirect] = {}
        self.authors: dict[str, Author] = {}

    # People, sections and tags -------------------------------------------

    def load_people_and_terms(self) -> None:
        index = self.index
        logins = list(index.authors) + [g for g in index.guest_authors if g not in index.authors]
        names = [author_name(login, index) for login in logins]
        self.report.authors = _count_new(Author, names, authors_get_or_create)
        self.authors = authors_get_or_create(names)
        for login, guest in index.guest_authors.items():
            author = self.authors.get(author_name(login, index))
            if author and guest.bio.strip():
                author_bio_fill(author, bio=guest.bio.strip())
        section_names = [index.section_names[s] for s in index.categories]
        self.report.sections = _count_new(Section, section_names, sections_get_or_create)
        sections = sections_get_or_create(section_names)
        sections_arrange(index, sections, created=self.report.sections["created_slugs"])
        del self.report.sections["created_slugs"]
        tag_names = [index.tag_names[s] for s in index.tags]
        self.report.tags = _count_new(Tag, tag_names, tags_get_or_create)
        del self.report.tags["created_slugs"]
        tags = tags_get_or_create(tag_names)
        del self.report.authors["created_slugs"]
        for old, name in section_paths(index):
            self._redirect(old, LegacyRedirect.Kind.SECTION, section=sections[name])
        for old, name in tag_paths(index):
            self._redirect(old, LegacyRedirect.Kind.TAG, tag=tags[name])
        for old, name in author_paths(index):
            if name in self.authors:
                self._redirect(old, LegacyRedirect.Kind.AUTHOR, author=self.authors[name])
        self._redirect(f"{index.base_path}/", LegacyRedirect.Kind.HOME)

    # Posts -----------------------------------------------------------------

    def add(self, item: Item) -> None:
        """Take one item of the second pass: queue a post, count anything else."""
        if item.post_type != "post":
            if item.post_type not in ("attachment",):
                self._skip(item, _skip_reason(item.post_type))
            return
        if item.wp_id in self.seen:
            self._skip(item, "duplicate post id")
            return
        self.seen.add(item.wp_id)
        plan = post_plan(
            item, self.index, resolve_media=self.media.resolve, rewrite_body=self.media.rewrite
        )
        if plan is None:
            self._skip(item, f"status {item.status or 'unknown'}")
            return
        for note in plan.notes:
            self.report.notes.append(
                {"wp_id": item.wp_id, "title": plan.record.title, "note": note}
            )
        self.batch.append(plan)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the queued posts: unchanged ones are left alone."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        known = {
            row["wp_id"]: row
            for row in WordPressItem.objects.filter(
                site=self.site, wp_id__in=[p.wp_id for p in batch]
            ).values("wp_id", "content_hash", "article_id", "article__slug")
        }
        to_write: list[PostPlan] = []
        fresh: list[PostPlan] = []
        for plan in batch:
            row = known.get(plan.wp_id)
            if row and row["article_id"] and row["content_hash"] == plan.content_hash:
                self.report.articles["unchanged"] += 1
                continue
            if row and row["article__slug"]:
                plan.record.slug = row["article__slug"]  # a Dastan slug never changes
            else:
                fresh.append(plan)
            to_write.append(plan)
        if not to_write:
            return
        fresh_ids = {id(p) for p in fresh}
        reserved = {p.record.slug for p in to_write if id(p) not in fresh_ids}
        self._assign_slugs(fresh, reserved=reserved)
        result = articles_upsert([p.record for p in to_write])
        self.report.articles["created"] += len(result.created)
        self.report.articles["updated"] += len(result.updated)
        self.report.articles["unchanged"] += result.unchanged
        ids = dict(
            Article.objects.filter(slug__in=[p.record.slug for p in to_write]).values_list(
                "slug", "id"
            )
        )
        now = _db_now()
        upsert_rows(
            WordPressItem,
            [
                "site",
                "wp_id",
                "guid",
                "post_type",
                "article_id",
                "content_hash",
                "imported_at",
                "updated_at",
            ],
            [
                (self.site, p.wp_id, p.guid, "post", ids[p.record.slug], p.content_hash, now, now)
                for p in to_write
            ],
            conflict=["site", "wp_id"],
            update=["guid", "article_id", "content_hash", "updated_at"],
        )
        for plan in to_write:
            for old in plan.legacy_paths:
                self._redirect(old, LegacyRedirect.Kind.ARTICLE, article_id=ids[plan.record.slug])
        self._flush_redirects()

    def _assign_slugs(self, plans: list[PostPlan], *, reserved: set[str]) -> None:
        """Give new posts a slug no other article has; an existing article is never taken over."""
        if not plans:
            return
        hints = {p.record.slug for p in plans}
        query = Q(slug__in=hints)
        taken = set(Article.objects.filter(query).values_list("slug", flat=True)) | reserved
        clashing = {h for h in hints if h in taken}
        if clashing:
            prefixes = Q()
            for hint in clashing:
                prefixes |= Q(slug__startswith=hint)
            taken |= set(Article.objects.filter(prefixes).values_list("slug", flat=True))
        for plan in plans:
            slug = plan.record.slug
            if slug in taken:
                slug = unique_slug(slug, taken=taken, max_length=SLUG_MAX)
            taken.add(slug)
            plan.record.slug = slug

    # Attachments -----------------------------------------------------------

    def load_attachments(self) -> None:
        """Copy attachment files and redirect attachment pages to their post (or the file)."""
        index = self.index
        parents = {a.parent for a in index.attachments.values() if a.parent in index.post_ids}
        articles: dict[int, int] = {}
        ordered = sorted(parents)
        for start in range(0, len(ordered), 900):
            chunk = ordered[start : start + 900]
            articles.update(
                WordPressItem.objects.filter(site=self.site, wp_id__in=chunk)
                .exclude(article=None)
                .values_list("wp_id", "article_id")
            )
        site_host = urlsplit(index.channel.base_blog_url or index.channel.link).netloc.lower()
        base = index.base_path
        for attachment in index.attachments.values():
            stored = self.media.resolve(attachment.url) if attachment.url else None
            file_url = stored or attachment.url
            olds = [f"{base}/?attachment_id={attachment.wp_id}"]
            if attachment.link:
                olds.append(url_path(attachment.link))
            article_id = articles.get(attachment.parent)
            for old in olds:
                if article_id:
                    self._redirect(old, LegacyRedirect.Kind.ARTICLE, article_id=article_id)
                elif file_url:
                    self._redirect(old, LegacyRedirect.Kind.URL, target_url=file_url[:500])
            parts = urlsplit(attachment.url)
            if stored and parts.netloc.lower() == site_host:
                self._redirect(url_path(attachment.url), LegacyRedirect.Kind.URL, target_url=stored)
        self._flush_redirects()

    def finish(self) -> None:
        self._flush_redirects(force=True)

    # Helpers -----------------------------------------------------------------

    def _skip(self, item: Item, reason: str) -> None:
        self.report.skipped[reason] += 1
        if item.post_type in LISTED_SKIPS or reason.startswith(("status", "duplicate")):
            self.report.skipped_items.append(
                {
                    "wp_id": item.wp_id,
                    "type": item.post_type,
                    "title": clean_title(item.title),
                    "link": item.link,
                    "reason": reason,
                }
            )

    def _redirect(
        self,
        old: str,
        kind: str,
        *,
        article_id: int | None = None,
        section: Section | None = None,
        tag: Tag | None = None,
        author: Author | None = None,
        target_url: str = "",
    ) -> None:
        if len(old) > 500 or old in self.redirects:
            return
        self.redirects[old] = (
            old,
            kind,
            article_id,
            section.pk if section else None,
            tag.pk if tag else None,
            author.pk if author else None,
            target_url,
        )

    def _flush_redirects(self, *, force: bool = False) -> None:
        if not self.redirects or (len(self.redirects) < REDIRECT_BATCH and not force):
            return
        now = _db_now()
        rows = [(*row, "wordpress", now) for row in self.redirects.values()]
        self.redirects = {}
        upsert_rows(
            LegacyRedirect,
            [
                "old_path",
                "kind",
                "article_id",
                "section_id",
                "tag_id",
                "author_id",
                "target_url",
                "source",
                "created_at",
            ],
            rows,
            conflict=["old_path"],
            update=["kind", "article_id", "section_id", "tag_id", "author_id", "target_url"],
        )
        self.report.redirects += len(rows)


def upsert_rows(
    model, columns: list[str], rows: list[tuple], *, conflict: list[str], update: list[str]
) -> None:
    """Insert ``rows``, updating ``update`` columns where ``conflict`` columns match.

    Plain SQL (``ON CONFLICT ... DO UPDATE``, SQLite 3.24+ and PostgreSQL):
    for the bookkeeping tables an import fills by the hundred thousand,
    building model instances costs more than the writes themselves.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(map(quote, conflict))}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def _db_now():
    return connections["default"].ops.adapt_datetimefield_value(timezone.now())


def _skip_reason(post_type: str) -> str:
    return {
        "page": "page (Dastan has no pages)",
        "nav_menu_item": "menu item",
        "guest-author": "guest author (imported as an author)",
        "revision": "revision",
    }.get(post_type, f"post type {post_type or 'unknown'}")


def _count_new(model, names: list[str], get_or_create) -> dict[str, Any]:
    slugs = {unique_slug(n) for n in names if n and n.strip()}
    existing = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    new = slugs - existing
    return {"total": len(slugs), "created": len(new), "created_slugs": new}


def sections_arrange(
    index: ExportIndex, sections: dict[str, Section], *, created: set[str]
) -> None:
    """Rebuild the category tree on the sections; leave existing sections' settings alone.

    A section created by the import gets its parent and description and
    stays out of the navigation until an editor puts it there (an export may
    have hundreds of categories). An existing section only gains a parent
    when it has none and the link makes no loop.
    """
    changed: list[Section] = []
    for slug, term in index.categories.items():
        section = sections[index.section_names[slug]]
        parent_name = index.section_names.get(term.parent)
        parent = sections.get(parent_name) if parent_name else None
        is_new = section.slug in created
        if is_new:
            section.in_navigation = False
            section.description = clean_title(term.description)
        if (
            parent
            and parent.pk != section.pk
            and (is_new or section.parent_id is None)
            and not _is_ancestor(section, parent, sections)
        ):
            section.parent = parent
        if is_new or section.parent_id:
            changed.append(section)
    sections_file(changed)


def _is_ancestor(section: Section, other: Section, sections: dict[str, Section]) -> bool:
    """Return whether ``section`` is ``other`` or one of its ancestors (a loop in the making)."""
    by_pk = {s.pk: s for s in sections.values()}
    seen: set[int] = set()
    node: Section | None = other
    while node is not None and node.pk not in seen:
        if node.pk == section.pk:
            return True
        seen.add(node.pk)
        node = by_pk.get(node.parent_id) if node.parent_id else None
    return False
