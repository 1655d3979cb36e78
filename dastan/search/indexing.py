"""Keep the index in step with the content: every write reaches it in the same transaction.

Content services send ``articles_changed``/``articles_deleted`` inside the
writing transaction (bulk loads included); admin edits fire Django's own
``post_save``/``post_delete``/``m2m_changed``. Each handler re-reads the
articles and re-indexes or removes them on the same database connection, so
the index commits or rolls back with the change. Inside :func:`index_deferred`
the handlers only collect ids, and each article is indexed once at its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from dastan.content.models import Article, ArticleAuthor, Place
from dastan.content.signals import articles_changed, articles_deleted
from dastan.search.backends import get_backend
from dastan.search.conf import search_setting
from dastan.search.documents import documents_for, documents_written

# The ids collected by the innermost active index_deferred(), or None outside one.
_pending: ContextVar[set[int] | None] = ContextVar("search_pending", default=None)


def articles_index(article_ids: Iterable[int]) -> None:
    """Re-index ``article_ids``: add or replace those that can be public, drop the others."""
    docs, gone = documents_for(article_ids)
    get_backend().index(docs, remove=gone)


def articles_remove(article_ids: Iterable[int]) -> None:
    """Drop ``article_ids`` from the index."""
    get_backend().remove(list(article_ids))


def index_bulk_load() -> AbstractContextManager[None]:
    """Return the backend's bulk mode for a bulk load that indexes as it writes.

    Enter it outside the load's transactions (PostgreSQL changes an index
    option); with ``AUTO_INDEX`` off nothing is indexed, so nothing changes.
    """
    if not search_setting("AUTO_INDEX"):
        return nullcontext()
    return get_backend().bulk_load()


@contextmanager
def index_deferred() -> Iterator[None]:
    """Index the articles changed inside the block once each, when the block ends.

    One admin save fires ``post_save``, an ``m2m_changed`` per relation and a
    save per byline, and each would re-read and re-index the article. Enter it
    inside the change's transaction: the index is written before the block
    exits, so it still commits or rolls back with the change. A block that
    raises indexes nothing (its transaction is rolled back). Nested blocks
    join the outer one.
    """
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        # Deleted or unpublished articles come back as ids to drop.
        articles_index(sorted(pending))


def _follow(article_ids: Iterable[int]) -> None:
    """Re-index ``article_ids`` now, or at the end of the active :func:`index_deferred`."""
    pending = _pending.get()
    if pending is None:
        articles_index(article_ids)
    else:
        pending.update(int(i) for i in article_ids)


def _on_changed(sender, ids=(), written=None, **kwargs) -> None:
    if not (search_setting("AUTO_INDEX") and ids):
        return
    if written is not None and _pending.get() is None:
        # A bulk write says what it stored: no need to read it back.
        docs, gone = documents_written(written)
        get_backend().index(docs, remove=gone)
    else:
        _follow(ids)


def _on_deleted(sender, ids=(), **kwargs) -> None:
    if not (search_setting("AUTO_INDEX") and ids):
        return
    if _pending.get() is None:
        articles_remove(ids)
    else:
        _follow(ids)


def _on_article_saved(sender, instance, raw=False, **kwargs) -> None:
    if search_setting("AUTO_INDEX") and not raw:
        _follow([instance.pk])


def _on_article_deleted(sender, instance, **kwargs) -> None:
    if not search_setting("AUTO_INDEX"):
        return
    if _pending.get() is None:
        articles_remove([instance.pk])
    else:
        _follow([instance.pk])


def _linked_articles(through, instance) -> list[int]:
    """Return the ids of the articles linked to ``instance`` (a tag, place or section)."""
    column = next(
        f.attname
        for f in through._meta.get_fields()
        if f.is_relation and f.related_model is type(instance)
    )
    linked = through.objects.filter(**{column: instance.pk})
    return list(linked.values_list("article_id", flat=True))


def _on_links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not search_setting("AUTO_INDEX"):
        return
    if action == "pre_clear" and reverse:
        # ``tag.articles.clear()``: after the clear the article ids are gone,
        # so they are read now and indexed at post_clear.
        instance._search_cleared = _linked_articles(sender, instance)
        return
    if not action.startswith("post_"):
        return
    if not reverse:
        _follow([instance.pk])
    elif action == "post_clear":
        _follow(instance.__dict__.pop("_search_cleared", ()))
    elif pk_set:
        _follow(pk_set)


# Only saves: a post_delete receiver on bylines would make every bulk byline
# delete fetch its rows; content's bulk writes send articles_changed instead.
def _on_byline_changed(sender, instance, raw=False, **kwargs) -> None:
    if search_setting("AUTO_INDEX") and not raw:
        _follow([instance.article_id])


def _on_place_saving(sender, instance, raw=False, **kwargs) -> None:
    if search_setting("AUTO_INDEX") and not raw and instance.pk is not None:
        instance._search_country = (
            Place.objects.filter(pk=instance.pk).values_list("country_id", flat=True).first()
        )


def _on_place_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """Re-index a place's articles when it moves to another country (its token goes with it)."""
    if not search_setting("AUTO_INDEX") or raw or created:
        return
    before = instance.__dict__.pop("_search_country", instance.country_id)
    if before != instance.country_id:
        _follow(_linked_articles(Article.places.through, instance))


def connect() -> None:
    """Connect the handlers (called once from the app's ``ready()``)."""
    articles_changed.connect(_on_changed, sender=Article, dispatch_uid="search.changed")
    articles_deleted.connect(_on_deleted, sender=Article, dispatch_uid="search.deleted")
    post_save.connect(_on_article_saved, sender=Article, dispatch_uid="search.saved")
    post_delete.connect(_on_article_deleted, sender=Article, dispatch_uid="search.post_delete")
    for through in (Article.tags.through, Article.places.through, Article.sections.through):
        m2m_changed.connect(_on_links_changed, sender=through, dispatch_uid=f"search.m2m.{through}")
    post_save.connect(_on_byline_changed, sender=ArticleAuthor, dispatch_uid="search.byline")
    pre_save.connect(_on_place_saving, sender=Place, dispatch_uid="search.place_saving")
    post_save.connect(_on_place_saved, sender=Place, dispatch_uid="search.place_saved")
