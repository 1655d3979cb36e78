"""Versions per thing readers see, bumped when that thing changes.

A cached page records the keys it depends on (``article-12``, ``section-3``,
``home-en``...) and their versions when it was rendered; it is stale as soon
as one of them moves. A write bumps the keys of what it changes, so a publish
expires its article's page, the listings it appears in (its sections, tags,
places, authors, date archives), its edition's home page, feeds and search
pages, and nothing else. The same keys name pages for a CDN or nginx purge
(``content_expired`` is sent with them after the commit).

Renaming a section, tag, place or author bumps ``site``: its name shows on
cards and headers everywhere. A bulk load that may have moved articles out of
listings it no longer knows bumps the editions they were in (``edition-<code>``).
A batch of more than ``BULK_ARTICLES`` articles expires the editions it touches
whole instead of a key per article, listing and day.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from dastan.content.models import local_date
from dastan.content.signals import content_expired

VERSION_PREFIX = "content:version:"
SITE = "site"
LISTING_KINDS = ("section", "tag", "place", "author")
# What every edition has once: its home page, feeds, search and corrections (of public articles).
EDITION_PAGES = ("home", "feed", "search", "corrections")
# An importer's batch of 500 named ~1,500 keys, each a cache write twice (a file each in
# the embedded file cache, which lists its directory on every write): at 20,000 cached
# entries that was most of a JSON-lines load. Past this many articles, the editions they
# are in expire whole: after a bulk load most of their pages have changed anyway.
BULK_ARTICLES = 50


def article_key(pk: int) -> str:
    return f"article-{pk}"


def listing_key(kind: str, pk: int) -> str:
    """Return the key of the pages listing a section's (tag's, place's, author's) articles."""
    return f"{kind}-{pk}"


def edition_key(page: str, code: str) -> str:
    """Return the key of an edition's ``page`` ("home", "feed"...), or ``edition`` for all of it."""
    return f"{page}-{code}"


def archive_keys(edition: str, when: dt.datetime | None) -> list[str]:
    """Return the keys of the year, month and day archives that list an article of ``when``."""
    if when is None:
        return []
    day = local_date(when)
    return [
        f"archive-{edition}-{day.year:04d}",
        f"archive-{edition}-{day.year:04d}-{day.month:02d}",
        f"archive-{edition}-{day.year:04d}-{day.month:02d}-{day.day:02d}",
    ]


def page_keys_base(edition: str) -> tuple[str, str]:
    """Return the keys every page of ``edition`` depends on."""
    return (SITE, edition_key("edition", edition))


def versions_get(keys: Iterable[str]) -> tuple[int, ...]:
    """Return the versions of ``keys`` in order, in one cache round trip.

    A missing version (never bumped, or evicted) is created with the current
    time, never read as 0: an evicted version must not match an old snapshot.
    Created versions are odd and bumped ones even (``version_is_bump``).
    """
    keys = list(keys)
    found = cache.get_many([VERSION_PREFIX + key for key in keys])
    versions = []
    for key in keys:
        version = found.get(VERSION_PREFIX + key)
        if version is None:
            cache.add(VERSION_PREFIX + key, time.time_ns() | 1, None)
            version = cache.get(VERSION_PREFIX + key, 0)
        versions.append(version)
    return tuple(versions)


def version_is_bump(version: int) -> bool:
    """Return whether ``version`` was set by a write (not created on first read)."""
    return version % 2 == 0


def _bump(keys: Iterable[str]) -> None:
    now = time.time_ns() & ~1
    cache.set_many(dict.fromkeys((VERSION_PREFIX + key for key in keys), now), None)


_pending = threading.local()


def versions_bump(keys: Iterable[str]) -> None:
    """Make pages showing ``keys`` stale now, and again when the transaction commits.

    The second bump drops a page that another request rendered from the old
    data between the write and the commit. The keys of one transaction are
    sent once, after the commit, as ``content_expired`` (the purge hook).
    """
    keys = set(keys)
    if not keys:
        return
    _bump(keys)
    connection = transaction.get_connection()
    registered = any(entry[1] is _flush for entry in connection.run_on_commit)
    if not registered:
        # Keys left by a rolled-back transaction were never written: they are not announced.
        _pending.keys = set()
    _pending.keys.update(keys)
    if not registered:
        transaction.on_commit(_flush)


def _flush() -> None:
    """Bump and announce what the committed transaction changed (once, however many writes)."""
    keys = getattr(_pending, "keys", None)
    _pending.keys = None
    if not keys:
        return
    _bump(keys)
    content_expired.send(sender=None, keys=sorted(keys))


def article_keys(ids: Iterable[int], *, groups: Iterable = (), editions: Iterable[str] = ()):
    """Return the keys of every page that shows the articles ``ids`` or links to them.

    That is each article's page and its translations' (they link to it), the
    listings of its sections (primary and extra), tags, places (and their
    countries), authors and date, and its edition's home, feeds and search.
    ``groups`` adds translation groups it left, ``editions`` editions it left.
    """
    from dastan.content.models import Article, ArticleAuthor, Place

    ids = list(ids)
    keys = {edition_key(page, code) for code in editions for page in EDITION_PAGES}
    if not ids and not groups:
        return keys
    fields = ("language", "section_id", "translation_group", "published_at")
    rows = list(Article.objects.filter(pk__in=ids).values_list(*fields))
    linked = {row[2] for row in rows if row[2]} | {group for group in groups if group}
    members = set(ids)
    if linked:
        members.update(
            Article.objects.filter(translation_group__in=linked).values_list("pk", flat=True)
        )
    keys.update(article_key(pk) for pk in members)
    for language, section_id, _, published_at in rows:
        keys.update(edition_key(page, language) for page in EDITION_PAGES)
        keys.update(archive_keys(language, published_at))
        if section_id:
            keys.add(listing_key("section", section_id))
    keys.update(
        listing_key("section", pk)
        for pk in Article.sections.through.objects.filter(article_id__in=ids).values_list(
            "section_id", flat=True
        )
    )
    keys.update(
        listing_key("tag", pk)
        for pk in Article.tags.through.objects.filter(article_id__in=ids).values_list(
            "tag_id", flat=True
        )
    )
    places = set(
        Article.places.through.objects.filter(article_id__in=ids).values_list("place_id", flat=True)
    )
    places.update(
        Place.objects.filter(pk__in=places, country__isnull=False).values_list(
            "country_id", flat=True
        )
    )
    keys.update(listing_key("place", pk) for pk in places)
    keys.update(
        listing_key("author", pk)
        for pk in ArticleAuthor.objects.filter(article_id__in=ids).values_list(
            "author_id", flat=True
        )
    )
    return keys


def _editions_shown(ids: list[int]) -> set[str]:
    """Return the editions whose pages show the articles ``ids``: theirs and their translations'."""
    from dastan.content.models import Article

    rows = set(Article.objects.filter(pk__in=ids).values_list("language", "translation_group"))
    codes = {language for language, _ in rows}
    groups = {group for _, group in rows if group}
    if groups:
        translated = Article.objects.filter(translation_group__in=groups)
        codes.update(translated.values_list("language", flat=True).distinct())
    return codes


def _on_articles_changed(sender, ids=(), languages=(), **kwargs) -> None:
    ids = list(ids)
    if len(ids) > BULK_ARTICLES:
        # Every page of an edition depends on its ``edition-<code>`` key (page_keys_base).
        codes = _editions_shown(ids) | set(languages)
        versions_bump(edition_key("edition", code) for code in codes)
        return
    keys = article_keys(ids, editions=languages)
    # A bulk load rewrote the links of articles it updated: the listings they left are
    # not known any more, so the editions they were in expire whole.
    keys.update(edition_key("edition", code) for code in languages)
    versions_bump(keys)


def _on_article_saving(sender, instance, raw=False, **kwargs) -> None:
    """Remember the edition, section and group the row had, to expire the pages it leaves."""
    from dastan.content.models import Article

    if instance.pk is None:
        instance._versioning_before = None
        instance._breaking_before = None
        return
    instance._breaking_before = (
        Article.objects.filter(pk=instance.pk).values_list("breaking_until", flat=True).first()
    )
    instance._versioning_before = (
        Article.objects.filter(pk=instance.pk)
        .values_list("language", "section_id", "translation_group", "published_at")
        .first()
    )


def _on_article_saved(sender, instance, raw=False, **kwargs) -> None:
    before = getattr(instance, "_versioning_before", None)
    keys = set()
    groups, editions = [], []
    if before is not None:
        language, section_id, group, published_at = before
        editions.append(language)
        groups.append(group)
        keys.update(archive_keys(language, published_at))
        if section_id:
            keys.add(listing_key("section", section_id))
    keys.update(article_keys([instance.pk], groups=groups, editions=editions))
    if instance.breaking_until or getattr(instance, "_breaking_before", None):
        # The banner on every page of the editions it is (or was) in.
        keys.update(edition_key("breaking", code) for code in {instance.language, *editions})
    versions_bump(keys)


def _on_article_deleting(sender, instance, **kwargs) -> None:
    """Bump while the links still exist (they are deleted with the article)."""
    keys = article_keys([instance.pk])
    if instance.breaking_until:
        keys.add(edition_key("breaking", instance.language))
    versions_bump(keys)


def _on_byline_changed(sender, instance, **kwargs) -> None:
    """A byline shows on the article's page and its cards, and files it under the author."""
    keys = article_keys([instance.article_id])
    keys.add(listing_key("author", instance.author_id))
    versions_bump(keys)


def _on_correction_changed(sender, instance, **kwargs) -> None:
    """A correction shows on its article's page and its edition's corrections page."""
    from dastan.content.models import Article

    language = Article.objects.filter(pk=instance.article_id).values_list("language", flat=True)
    keys = {article_key(instance.article_id)}
    keys.update(edition_key("corrections", code) for code in language)
    versions_bump(keys)


_THROUGH_KINDS: dict[type, str] = {}


def _on_links_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    kind = _THROUGH_KINDS[sender]
    if action == "pre_clear" and not reverse:
        # The links are about to go: expire what they list now.
        versions_bump(article_keys([instance.pk]))
        return
    if not action.startswith("post_"):
        return
    if not reverse:
        keys = article_keys([instance.pk])
        keys.update(listing_key(kind, pk) for pk in pk_set or ())
        if kind == "place" and pk_set:
            from dastan.content.models import Place

            countries = Place.objects.filter(pk__in=pk_set, country__isnull=False)
            keys.update(
                listing_key("place", pk) for pk in countries.values_list("country_id", flat=True)
            )
        versions_bump(keys)
    elif pk_set:
        versions_bump(article_keys(pk_set) | {listing_key(kind, instance.pk)})
    else:
        # A section's, tag's or place's links cleared: which articles it had is gone.
        versions_bump([SITE])


def _on_shared_changed(sender, created=False, **kwargs) -> None:
    """A name shown on cards and headers everywhere: every page expires.

    A new one shows nowhere yet (its articles' links bump their own keys).
    """
    if not created:
        versions_bump([SITE])


def connect_version_bumps() -> None:
    """Bump the versions on every write that a reader page could show."""
    from dastan.content import models
    from dastan.content.signals import articles_changed, articles_deleted

    articles_changed.connect(_on_articles_changed, dispatch_uid="content-version-changed")
    articles_deleted.connect(_on_articles_changed, dispatch_uid="content-version-deleted")
    article = models.Article
    pre_save.connect(_on_article_saving, sender=article, dispatch_uid="content-version-pre-save")
    post_save.connect(_on_article_saved, sender=article, dispatch_uid="content-version-save")
    pre_delete.connect(_on_article_deleting, sender=article, dispatch_uid="content-version-delete")
    for model, receiver in (
        (models.ArticleAuthor, _on_byline_changed),
        (models.Correction, _on_correction_changed),
    ):
        uid = f"content-version-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-delete")
    for model in (models.Author, models.Place, models.Section, models.Tag):
        uid = f"content-version-{model.__name__}"
        post_save.connect(_on_shared_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_shared_changed, sender=model, dispatch_uid=uid + "-delete")
    for kind, through in (
        ("tag", article.tags.through),
        ("place", article.places.through),
        ("section", article.sections.through),
    ):
        _THROUGH_KINDS[through] = kind
        m2m_changed.connect(
            _on_links_changed, sender=through, dispatch_uid=f"content-version-{through.__name__}"
        )
