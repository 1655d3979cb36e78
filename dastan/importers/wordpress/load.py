"""Load a WordPress export into Dastan, in one transaction, and say what happened.

Two passes over the file: the first (``index_export``) reads it whole, which
proves it well formed before anything is written and collects what posts
refer to; the second streams the mapped posts (``batches``, read in a second
process for a large export) into ``articles_upsert`` a batch at a time.
Everything is written in one transaction, so a failure part-way leaves the
site as it was, and ``dry_run`` simply rolls it back.
"""

from __future__ import annotations

import contextlib
import gc
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils.encoding import escape_uri_path

from dastan.content.models import Article, Author, Section, Tag
from dastan.content.services import (
    articles_featured_image_link,
    articles_upsert,
    author_bio_fill,
    authors_get_or_create,
    names_fill,
    sections_get_or_create,
    statistics_refresh,
    tags_get_or_create,
    translations_link,
    unique_slug,
)
from dastan.importers.models import WordPressAttachment, WordPressItem
from dastan.importers.selectors import IMAGE_EXTENSIONS
from dastan.importers.services import (
    attachments_image_set,
    attachments_save,
    wordpress_items_save,
)
from dastan.importers.wordpress.batches import (
    BATCH_SIZE,
    PARALLEL_MIN_POSTS,
    Batch,
    batches_planned,
)
from dastan.importers.wordpress.mapping import (
    IMPORTED_TYPES,
    PAGES_SECTION,
    SLUG_MAX,
    ExportIndex,
    PostPlan,
    index_export,
)
from dastan.importers.wordpress.media import MediaLibrary, upload_base
from dastan.importers.wordpress.paths import (
    author_paths,
    language_home_paths,
    section_paths,
    tag_paths,
    url_path,
)
from dastan.importers.wordpress.report import ImportReport, report_start
from dastan.importers.wordpress.sections import sections_arrange
from dastan.importers.wordpress.wxr import wxr_version_error, wxr_version_is_newer
from dastan.media.addresses import original_url
from dastan.media.adopt import stored_file_adopt
from dastan.media.models import Image as LibraryImage
from dastan.redirects.models import LegacyRedirect
from dastan.redirects.services import RedirectRow, redirects_upsert
from dastan.search.indexing import index_bulk_load

REDIRECT_BATCH = 2000
_ARTICLE_SHAPE = re.compile(r"^(?:/[a-z]{2})?/\d{4}/\d{2}/\d{2}/(?P<slug>[^/?]+)/$")

Progress = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], Any]]]


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
    parallel: bool | None = None,
    lenient: bool = False,
) -> ImportReport:
    """Import the WXR file at ``path``; return the report.

    Raise ``WxrError`` (nothing written) when the file is malformed or unsafe.
    ``site`` overrides the key that identifies the blog (its address), for
    an export taken after the blog moved. ``parallel`` reads and maps the
    posts in a second process while this one writes; None decides by the
    number of posts (``PARALLEL_MIN_POSTS``). ``lenient`` imports an export
    whose ``wp:wxr_version`` is missing or invalid (WordPress refuses one),
    and says so in the report.
    """
    path = Path(path)
    progress = progress or _no_progress
    started = time.monotonic()
    size = path.stat().st_size
    with progress("Reading", size) as advance:
        index = index_export(path, on_progress=advance)
    version_error = wxr_version_error(index.channel)
    if version_error is not None and not lenient:
        raise version_error
    report = report_start(path, index, dry_run=dry_run, site=site)
    if version_error is not None:
        report.warnings.append(f"imported with --lenient: {version_error}")
    elif wxr_version_is_newer(index.channel):
        report.warnings.append(
            f"WXR version {index.channel.wxr_version} is newer than 1.2, the newest this "
            "importer knows: check the result"
        )
    report.source["moved_from"] = moved_from(index, site=report.site)
    channel = index.channel
    media = MediaLibrary(
        Path(media_dir) if media_dir else None,
        _upload_bases(index),
        write=not dry_run,
        own_host=urlsplit(channel.base_blog_url or channel.link).netloc,
    )
    if parallel is None:
        posts = sum(n for (kind, _), n in index.items.items() if kind in IMPORTED_TYPES)
        parallel = posts >= PARALLEL_MIN_POSTS
    # What exists now (the index, Django's own objects) lives until the end:
    # the collector need not walk it again every few batches (~5 % of a large import).
    gc.freeze()
    try:
        with (
            index_bulk_load(),
            transaction.atomic(),
            batches_planned(
                path, index, media, batch_size=batch_size, parallel=parallel
            ) as batches,
        ):
            loader = _Loader(index, media, report)
            loader.load_people_and_terms()
            with progress("Importing", size) as advance:
                for batch in batches:
                    loader.take(batch)
                    advance(batch.read)
            loader.link_translations()
            loader.load_attachments()
            media.copy()
            loader.library_fill(media)
            loader.finish()
            if dry_run:
                transaction.set_rollback(True)
    finally:
        gc.unfreeze()
    if not dry_run:
        statistics_refresh()
    own_host = set(media.missing_on_own_host)
    report.media = {
        "copied": len(media.copied),
        "would_copy": len(media.to_copy),
        "found": len(media.present),
        "kept_original_url": sorted(media.missing - own_host),
        # These stop working when the old domain points at Dastan: copy them first.
        "missing_on_own_host": sorted(own_host),
        # Found in the media folder, not copied: active content or a broken image.
        "refused": dict(sorted(media.refused.items())),
    }
    report.seconds = round(time.monotonic() - started, 2)
    return report


def moved_from(index: ExportIndex, *, site: str) -> str:
    """Return the key of a blog imported before that this export is, at a new address; or ''.

    WordPress keeps a post's guid when the blog moves (or is exported and
    imported again). An export whose guids mostly belong to one blog
    imported before is that blog: its posts are matched on guid, not
    duplicated. A blog that merely copied some posts from another (the two
    samples share 17) stays a blog of its own.
    """
    guids = sorted(index.guids)
    if not guids or not WordPressItem.objects.exclude(site=site).exists():
        return ""
    shared: Counter = Counter()
    for start in range(0, len(guids), 500):
        shared.update(
            WordPressItem.objects.filter(guid__in=guids[start : start + 500])
            .exclude(site=site)
            .values_list("site", flat=True)
        )
    if not shared:
        return ""
    other, count = shared.most_common(1)[0]
    return other if count * 2 > len(guids) else ""


def _upload_bases(index: ExportIndex) -> set[str]:
    return {upload_base(a.url, a.rel_path) for a in index.attachments.values()} - {""}


class _Loader:
    def __init__(self, index: ExportIndex, media: MediaLibrary, report: ImportReport) -> None:
        self.index = index
        self.media = media
        self.report = report
        self.site = report.site
        self.redirects: dict[str, RedirectRow] = {}
        self.authors: dict[str, Author] = {}

    # People, sections and tags -------------------------------------------

    def load_people_and_terms(self) -> None:
        index = self.index
        logins = list(index.authors) + [g for g in index.guest_authors if g not in index.authors]
        names = [index.author_name(login) for login in logins]
        self.report.authors = _count_new(Author, names, authors_get_or_create)
        self.authors = authors_get_or_create(names)
        for login, guest in index.guest_authors.items():
            author = self.authors.get(index.author_name(login))
            if author and guest.bio.strip():
                author_bio_fill(author, bio=guest.bio.strip())
        section_names = [index.section_names[s] for s in index.categories]
        if index.has_pages:
            section_names.append(PAGES_SECTION)
        self.report.sections = _count_new(Section, section_names, sections_get_or_create)
        sections = sections_get_or_create(section_names)
        sections_arrange(index, sections, created=self.report.sections["created_slugs"])
        del self.report.sections["created_slugs"]
        tag_names = [index.tag_names[s] for s in index.tags]
        self.report.tags = _count_new(Tag, tag_names, tags_get_or_create)
        del self.report.tags["created_slugs"]
        tags = tags_get_or_create(tag_names)
        del self.report.authors["created_slugs"]
        self._fill_names(sections, tags)
        for old, name, code in section_paths(index):
            self._redirect(old, LegacyRedirect.Kind.SECTION, section=sections[name], language=code)
        for old, name, code in tag_paths(index):
            self._redirect(old, LegacyRedirect.Kind.TAG, tag=tags[name], language=code)
        for old, name in author_paths(index):
            if name in self.authors:
                self._redirect(old, LegacyRedirect.Kind.AUTHOR, author=self.authors[name])
        self._redirect(f"{index.base_path}/", LegacyRedirect.Kind.HOME)
        for old, code in language_home_paths(index):
            self._redirect(old, LegacyRedirect.Kind.HOME, language=code)

    def _fill_names(self, sections: dict[str, Section], tags: dict[str, Tag]) -> None:
        """Give each section and tag its translated categories' names (Polylang)."""
        index = self.index
        names: dict = {}
        for (taxonomy, slug), by_code in index.term_names.items():
            if taxonomy == "category":
                names[sections[index.section_names[slug]]] = by_code
            else:
                names[tags[index.tag_names[slug]]] = by_code
        names_fill(names)
        self.report.translations["terms"] = len(index.term_main)

    # Translations -------------------------------------------------------------

    def link_translations(self) -> None:
        """Link the articles of each translation group the export holds (Polylang, WPML).

        A group already linked is left alone, so importing again writes
        nothing; a group that would hold two articles of one language is
        reported and not linked.
        """
        groups = self.index.editions.groups()
        counts = self.report.translations
        counts.update(groups=len(groups), linked=0, unchanged=0, refused=0)
        if not groups:
            return
        wanted = sorted({wp_id for group in groups for wp_id in group})
        articles: dict[int, Article] = {}
        for start in range(0, len(wanted), 500):
            rows = WordPressItem.objects.filter(
                site=self.site, wp_id__in=wanted[start : start + 500]
            ).exclude(article=None)
            by_article = dict(rows.values_list("article_id", "wp_id"))
            for article in Article.objects.filter(pk__in=list(by_article)):
                articles[by_article[article.pk]] = article
        for group in groups:
            members = [articles[wp_id] for wp_id in group if wp_id in articles]
            if len(members) < 2:
                continue
            shared = {a.translation_group for a in members}
            if len(shared) == 1 and None not in shared:
                counts["unchanged"] += 1
                continue
            try:
                translations_link(members)
            except ValueError as exc:
                counts["refused"] += 1
                self.report.notes.append(
                    {
                        "wp_id": group[0],
                        "title": members[0].title,
                        "note": f"translations of posts {group} not linked: {exc}",
                    }
                )
                continue
            counts["linked"] += 1

    # Posts -----------------------------------------------------------------

    def take(self, batch: Batch) -> None:
        """Report what the batch skipped and its notes, then write its posts."""
        for reason, entry in batch.skipped:
            self.report.skipped[reason] += 1
            if entry is not None:
                self.report.skipped_items.append(entry)
        for plan in batch.plans:
            for note in plan.notes:
                self.report.notes.append(
                    {"wp_id": plan.wp_id, "title": plan.record.title, "note": note}
                )
        self.flush(batch.plans)

    def flush(self, batch: list[PostPlan]) -> None:
        """Write a batch of posts: unchanged ones are left alone."""
        if not batch:
            return
        known = self._known(batch)
        to_write: list[PostPlan] = []
        fresh: list[PostPlan] = []
        for plan in batch:
            row = known.get(plan.wp_id)
            if (
                row
                and row["site"] == self.site
                and row["article_id"]
                and row["content_hash"] == plan.content_hash
            ):
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
        ids = result.ids
        wordpress_items_save(
            site=self.site,
            rows=[
                (p.wp_id, p.guid, p.post_type, ids[p.record.slug], p.content_hash) for p in to_write
            ],
        )
        for plan in to_write:
            for old in plan.legacy_paths:
                self._redirect(old, LegacyRedirect.Kind.ARTICLE, article_id=ids[plan.record.slug])
        self._report_hidden([(p, ids[p.record.slug]) for p in to_write])
        self._flush_redirects()

    def _known(self, batch: list[PostPlan]) -> dict[int, dict]:
        """Return what earlier imports stored for these posts, by WordPress id.

        Keyed on (site, post id); for a blog imported before under another
        address (``moved_from``), a post not found so is matched on its guid.
        """
        fields = ("site", "wp_id", "guid", "content_hash", "article_id", "article__slug")
        known = {
            row["wp_id"]: row
            for row in WordPressItem.objects.filter(
                site=self.site, wp_id__in=[p.wp_id for p in batch]
            ).values(*fields)
        }
        moved_from = self.report.source.get("moved_from")
        missing = {p.guid: p.wp_id for p in batch if p.wp_id not in known and p.guid}
        if moved_from and missing:
            for row in (
                WordPressItem.objects.filter(site=moved_from, guid__in=list(missing))
                .exclude(article=None)
                .values(*fields)
            ):
                known[missing[row["guid"]]] = row
        return known

    def _report_hidden(self, written: list[tuple[PostPlan, int]]) -> None:
        """Note old permalinks that are now another article's Dastan address.

        Dastan serves its own page there (a legacy address never hides a live
        page), so such a link cannot reach the imported post: the report says so.
        """
        wanted: dict[str, list[tuple[str, PostPlan, int]]] = {}
        for plan, article_id in written:
            for old in plan.legacy_paths:
                slug = _article_route_slug(old)
                # The post's own slug is no other article's (slugs are unique): the usual case.
                if slug and slug != plan.record.slug:
                    wanted.setdefault(slug, []).append((old, plan, article_id))
        if not wanted:
            return
        for other in Article.objects.filter(slug__in=list(wanted)).only(
            "slug", "published_at", "status"
        ):
            for old, plan, article_id in wanted[other.slug]:
                if other.pk != article_id and other.get_absolute_url() == escape_uri_path(old):
                    self.report.redirects_hidden.append(old)
                    self.report.notes.append(
                        {
                            "wp_id": plan.wp_id,
                            "title": plan.record.title,
                            "note": f"old address {old} is another article's page now; "
                            "it shows that article",
                        }
                    )

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
        """Copy attachment files, remember them for galleries, redirect attachment pages.

        An attachment page goes to its post, or else to the file; never to a
        file still on the blog's own host, which stops answering once the
        domain points at Dastan.
        """
        index = self.index
        parents = sorted({a.parent for a in index.attachments.values() if a.parent})
        articles: dict[int, int] = {}
        for start in range(0, len(parents), 500):
            articles.update(
                WordPressItem.objects.filter(site=self.site, wp_id__in=parents[start : start + 500])
                .exclude(article=None)
                .values_list("wp_id", "article_id")
            )
        base = index.base_path
        rows: list[WordPressAttachment] = []
        for attachment in index.attachments.values():
            stored = self.media.resolve(attachment.url) if attachment.url else None
            file_url = stored or attachment.url
            article_id = articles.get(attachment.parent)
            rows.append(
                WordPressAttachment(
                    site=self.site,
                    wp_id=attachment.wp_id,
                    parent_wp_id=attachment.parent,
                    article_id=article_id,
                    url=file_url[:500],
                    alt=attachment.alt,
                    caption=attachment.caption,
                    menu_order=attachment.menu_order,
                )
            )
            olds = [f"{base}/?attachment_id={attachment.wp_id}"]
            if attachment.link:
                olds.append(url_path(attachment.link))
            for old in olds:
                if article_id:
                    self._redirect(old, LegacyRedirect.Kind.ARTICLE, article_id=article_id)
                elif stored or (file_url and not self.media.on_own_host(file_url)):
                    self._redirect(old, LegacyRedirect.Kind.URL, target_url=file_url[:500])
            if stored and self.media.on_own_host(attachment.url):
                self._redirect(url_path(attachment.url), LegacyRedirect.Kind.URL, target_url=stored)
        attachments_save(rows)
        self._flush_redirects()

    def library_fill(self, media: MediaLibrary) -> None:
        """Put the stored copies into the media library, in place (their addresses stay).

        Attachments point at their library image (galleries get renditions and srcset) and
        an imported article whose featured image is a stored copy shows it from the library.
        """
        stored = sorted(name for name in media.stored if name.lower().endswith(IMAGE_EXTENSIONS))
        if not stored:
            return
        by_url = {}
        for name in stored:
            image = stored_file_adopt(LibraryImage, media.storage, name)
            if image is not None:
                by_url[original_url(media.storage, name)] = image
        rows = WordPressAttachment.objects.filter(site=self.site, url__in=list(by_url))
        for attachment in rows.only("url", "alt", "caption"):
            image = by_url[attachment.url]
            attachments_image_set(attachment, image)
        articles_featured_image_link(by_url)

    def finish(self) -> None:
        self._flush_redirects(force=True)

    # Helpers -----------------------------------------------------------------

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
        language: str = "",
    ) -> None:
        if len(old) > 500 or old in self.redirects:
            return
        self.redirects[old] = RedirectRow(
            old,
            kind,
            article_id=article_id,
            section_id=section.pk if section else None,
            tag_id=tag.pk if tag else None,
            author_id=author.pk if author else None,
            target_url=target_url,
            language=language,
        )

    def _flush_redirects(self, *, force: bool = False) -> None:
        if not self.redirects or (len(self.redirects) < REDIRECT_BATCH and not force):
            return
        rows, self.redirects = list(self.redirects.values()), {}
        moved = self.report.source.get("moved_from")
        outcome = redirects_upsert(rows, site=self.site, also=[moved] if moved else [])
        self.report.redirects += outcome.written
        self.report.redirects_claimed.extend(outcome.claimed)


def _article_route_slug(path: str) -> str:
    """Return the slug when ``path`` has the shape of a Dastan article address, else ''.

    A regular expression rather than ``resolve()``: it runs for every old
    permalink of a large import. The shape is web's ``/YYYY/MM/DD/slug/``.
    """
    match = _ARTICLE_SHAPE.match(path)
    return match["slug"] if match else ""


def _count_new(model, names: list[str], get_or_create) -> dict[str, Any]:
    slugs = {unique_slug(n) for n in names if n and n.strip()}
    existing = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    new = slugs - existing
    return {"total": len(slugs), "created": len(new), "created_slugs": new}
