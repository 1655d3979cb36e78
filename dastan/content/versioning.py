"""A version number for everything readers see, bumped on every content change.

Caches of rendered listings put the version in their key, so a publish, an
edit or a deletion makes every cached listing stale at once, without having
to know which listings an article appears in.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "content:version"


def content_version() -> int:
    """Return the current content version (created on first use)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def content_version_bump(**kwargs) -> None:
    """Make every cached listing stale now and again when the transaction commits.

    The second bump drops a page that another request rendered from the old
    data between the write and the commit.
    """
    _bump()
    transaction.on_commit(_bump)


def connect_version_bumps() -> None:
    """Bump the version on every write that a reader page could show."""
    from dastan.content import models
    from dastan.content.signals import articles_changed, articles_deleted

    articles_changed.connect(content_version_bump, dispatch_uid="content-version-changed")
    articles_deleted.connect(content_version_bump, dispatch_uid="content-version-deleted")
    for model in (
        models.Article,
        models.ArticleAuthor,
        models.Author,
        models.Correction,
        models.Place,
        models.Section,
        models.Tag,
    ):
        uid = f"content-version-{model.__name__}"
        post_save.connect(content_version_bump, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(content_version_bump, sender=model, dispatch_uid=uid + "-delete")
    for through in (
        models.Article.tags.through,
        models.Article.places.through,
        models.Article.sections.through,
    ):
        m2m_changed.connect(
            content_version_bump, sender=through, dispatch_uid=f"content-version-{through.__name__}"
        )
