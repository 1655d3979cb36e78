"""Keep the index in step with the content: every write reaches it in the same transaction.

Content services send ``articles_changed``/``articles_deleted`` inside the
writing transaction (bulk loads included); admin edits fire Django's own
``post_save``/``post_delete``/``m2m_changed``. Each handler re-reads the
articles and re-indexes or removes them on the same database connection, so
the index commits or rolls back with the change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save

from dastan.content.models import Article, ArticleAuthor
from dastan.content.signals import articles_changed, articles_deleted
from dastan.search.backends import get_backend
from dastan.search.conf import search_setting
from dastan.search.documents import documents_for


def articles_index(article_ids: Iterable[int]) -> None:
    """Re-index ``article_ids``: add or replace those that can be public, drop the others."""
    docs, gone = documents_for(article_ids)
    get_backend().index(docs, remove=gone)


def articles_remove(article_ids: Iterable[int]) -> None:
    """Drop ``article_ids`` from the index."""
    get_backend().remove(list(article_ids))


def _on_changed(sender, ids=(), **kwargs) -> None:
    if search_setting("AUTO_INDEX") and ids:
        articles_index(ids)


def _on_deleted(sender, ids=(), **kwargs) -> None:
    if search_setting("AUTO_INDEX") and ids:
        articles_remove(ids)


def _on_article_saved(sender, instance, raw=False, **kwargs) -> None:
    if search_setting("AUTO_INDEX") and not raw:
        articles_index([instance.pk])


def _on_article_deleted(sender, instance, **kwargs) -> None:
    if search_setting("AUTO_INDEX"):
        articles_remove([instance.pk])


def _on_links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not search_setting("AUTO_INDEX") or not action.startswith("post_"):
        return
    if not reverse:
        articles_index([instance.pk])
    elif pk_set:
        articles_index(pk_set)
    elif action == "post_clear":
        # A tag or place lost all its articles; their ids are gone, so let
        # ``dastan search check`` catch up rather than re-index everything here.
        return


# Only saves: a post_delete receiver on bylines would make every bulk byline
# delete fetch its rows; content's bulk writes send articles_changed instead.
def _on_byline_changed(sender, instance, raw=False, **kwargs) -> None:
    if search_setting("AUTO_INDEX") and not raw:
        articles_index([instance.article_id])


def connect() -> None:
    """Connect the handlers (called once from the app's ``ready()``)."""
    articles_changed.connect(_on_changed, sender=Article, dispatch_uid="search.changed")
    articles_deleted.connect(_on_deleted, sender=Article, dispatch_uid="search.deleted")
    post_save.connect(_on_article_saved, sender=Article, dispatch_uid="search.saved")
    post_delete.connect(_on_article_deleted, sender=Article, dispatch_uid="search.post_delete")
    for through in (Article.tags.through, Article.places.through, Article.sections.through):
        m2m_changed.connect(_on_links_changed, sender=through, dispatch_uid=f"search.m2m.{through}")
    post_save.connect(_on_byline_changed, sender=ArticleAuthor, dispatch_uid="search.byline")
