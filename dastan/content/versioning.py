"""Version numbers for everything readers see, bumped on every content change.

Caches of rendered pages put a version in their key, so a publish, an edit or
a deletion makes the cached pages stale without having to know which pages an
article appears in. There is one version per edition and one shared by all:
a change to an article bumps only its edition's (and the editions of its
translations, whose pages link to it); a change to what every edition shows
(a section, a tag, a place, an author) bumps the shared one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "content:version"


def _edition_key(edition: str) -> str:
    return f"{VERSION_KEY}:{edition}"


def content_version(edition: str | None = None) -> str:
    """Return the version a cached page of ``edition`` depends on (shared and edition's).

    Both are read in one cache round trip; a missing one is created on first use.
    """
    keys = [VERSION_KEY] + ([_edition_key(edition)] if edition else [])
    found = cache.get_many(keys)
    parts = []
    for key in keys:
        version = found.get(key)
        if version is None:
            cache.add(key, time.time_ns(), None)
            version = cache.get(key, 0)
        parts.append(str(version))
    return ".".join(parts)


def _bump(editions: Iterable[str] | None) -> None:
    """Bump ``editions``' versions, or the shared one when None (every edition)."""
    now = time.time_ns()
    keys = [VERSION_KEY] if editions is None else [_edition_key(code) for code in editions]
    cache.set_many(dict.fromkeys(keys, now), None)


def content_version_bump(*, editions: Iterable[str] | None = None) -> None:
    """Make cached pages stale now and again when the transaction commits.

    The second bump drops a page that another request rendered from the old
    data between the write and the commit. ``editions`` None means every edition.
    """
    editions = None if editions is None else sorted(set(editions))
    if editions == []:
        return
    _bump(editions)
    transaction.on_commit(lambda: _bump(editions))


def editions_showing(ids: Iterable[int], *, also: Iterable[str] = (), groups=()) -> set[str]:
    """Return the editions whose pages show the articles ``ids`` or link to them.

    That is the articles' own editions and those of their translations (an
    article page links to its translations). ``also`` adds known editions (an
    article's language before an edit), ``groups`` translation groups it left.
    """
    from dastan.content.models import Article

    ids = list(ids)
    editions = set(also)
    if not ids and not groups:
        return editions
    own = Article.objects.filter(pk__in=ids).exclude(translation_group=None)
    linked = Q(pk__in=ids) | Q(translation_group__in=own.values("translation_group"))
    if groups:
        linked |= Q(translation_group__in=list(groups))
    editions.update(Article.objects.filter(linked).values_list("language", flat=True).distinct())
    return editions


def _on_articles_changed(sender, ids=(), languages=(), **kwargs) -> None:
    content_version_bump(editions=editions_showing(ids, also=languages))


def _on_article_saved(sender, instance, raw=False, **kwargs) -> None:
    loaded = getattr(instance, "_loaded_edition", None) or (None, None)
    old_language, old_group = loaded
    also = {instance.language} | ({old_language} if old_language else set())
    groups = [old_group] if old_group and old_group != instance.translation_group else []
    content_version_bump(editions=editions_showing([instance.pk], also=also, groups=groups))
    instance._loaded_edition = (instance.language, instance.translation_group)


def _on_article_deleted(sender, instance, **kwargs) -> None:
    groups = [instance.translation_group] if instance.translation_group else []
    content_version_bump(editions=editions_showing([], also=[instance.language], groups=groups))


def _on_article_part_changed(sender, instance, **kwargs) -> None:
    """A byline or correction: only its article's pages (and its translations') show it."""
    content_version_bump(editions=editions_showing([instance.article_id]))


def _on_links_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        content_version_bump(editions=editions_showing([instance.pk]))
    elif pk_set:
        content_version_bump(editions=editions_showing(pk_set))
    else:
        # A tag's links cleared: which articles it had is gone; expire every edition.
        content_version_bump()


def _on_shared_changed(sender, **kwargs) -> None:
    content_version_bump()


def connect_version_bumps() -> None:
    """Bump the versions on every write that a reader page could show."""
    from dastan.content import models
    from dastan.content.signals import articles_changed, articles_deleted

    articles_changed.connect(_on_articles_changed, dispatch_uid="content-version-changed")
    articles_deleted.connect(_on_articles_changed, dispatch_uid="content-version-deleted")
    post_save.connect(
        _on_article_saved, sender=models.Article, dispatch_uid="content-version-Article-save"
    )
    post_delete.connect(
        _on_article_deleted, sender=models.Article, dispatch_uid="content-version-Article-delete"
    )
    for model in (models.ArticleAuthor, models.Correction):
        uid = f"content-version-{model.__name__}"
        post_save.connect(_on_article_part_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_article_part_changed, sender=model, dispatch_uid=uid + "-delete")
    for model in (models.Author, models.Place, models.Section, models.Tag):
        uid = f"content-version-{model.__name__}"
        post_save.connect(_on_shared_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_shared_changed, sender=model, dispatch_uid=uid + "-delete")
    for through in (
        models.Article.tags.through,
        models.Article.places.through,
        models.Article.sections.through,
    ):
        m2m_changed.connect(
            _on_links_changed, sender=through, dispatch_uid=f"content-version-{through.__name__}"
        )
