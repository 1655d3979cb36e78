"""An article's stored versions: what each save looked like, so the desk can compare and restore.

``content.services.article_save`` stores one per save. Importers' bulk writes
(``articles_upsert``) store none: an archive of a hundred thousand articles would
double its size in versions nobody reads. The first desk save of an article that
has none stores the article as it was first (the *baseline*), so that edit still
has something to be compared with; no migration copies the archive up front.
"""

from __future__ import annotations

from dastan.content.models import Article, ArticleAuthor, ArticleVersion

TEXT_FIELDS = ("title", "standfirst", "body", "excerpt")


def _named(objects) -> list[dict]:
    return [{"id": o.pk, "name": o.name} for o in objects]


def article_metadata(article: Article) -> dict:
    """Return ``article``'s status, time, filing and image as JSON-ready data."""
    bylines = ArticleAuthor.objects.filter(article=article).select_related("author")
    return {
        "slug": article.slug,
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "language": article.language,
        "section": _named([article.section])[0] if article.section_id else None,
        "sections": _named(article.sections.order_by("pk")),
        "tags": _named(article.tags.order_by("pk")),
        "places": _named(article.places.order_by("pk")),
        "authors": _named(b.author for b in bylines.order_by("position")),
        "is_featured": article.is_featured,
        "is_listed": article.is_listed,
        "featured_image": article.featured_image_id,
        "featured_image_url": article.featured_image_url,
        "featured_image_caption": article.featured_image_caption,
        "featured_image_credit": article.featured_image_credit,
    }


def _snapshot(article: Article) -> dict:
    return {
        **{name: getattr(article, name) for name in TEXT_FIELDS},
        "metadata": article_metadata(article),
    }


def article_version_create(article: Article, *, user=None) -> ArticleVersion | None:
    """Store ``article`` as saved (with its relations) as its next version.

    A save that changed nothing a version holds (a second save of the same form,
    a status flip already stored) stores nothing and returns None. Call it inside
    the saving transaction, after ``article.save()``: the article's row is then
    locked, so two saves cannot take the same number.
    """
    snapshot = _snapshot(article)
    latest = ArticleVersion.objects.filter(article=article).order_by("-number").first()
    if latest is not None and all(
        getattr(latest, name) == value for name, value in snapshot.items()
    ):
        return None
    number = (latest.number if latest else 0) + 1
    return ArticleVersion.objects.create(article=article, number=number, author=user, **snapshot)


def article_version_baseline(article_id: int) -> None:
    """Store the article as it is in the database as version 1 when it has no versions yet.

    Called before a save overwrites it: an imported or pre-revisions article
    then keeps its text, authored by nobody, dated by its last change.
    """
    if ArticleVersion.objects.filter(article_id=article_id).exists():
        return
    stored = Article.objects.filter(pk=article_id).select_related("section").first()
    if stored is None:
        return
    ArticleVersion.objects.create(
        article=stored, number=1, created_at=stored.updated_at, **_snapshot(stored)
    )


def versions_list(article: Article):
    """Return ``article``'s versions newest first, without their text (a listing's columns)."""
    return (
        ArticleVersion.objects.filter(article=article)
        .select_related("author")
        .only(
            "number",
            "created_at",
            "article_id",
            "author__username",
            "author__first_name",
            "author__last_name",
            "title",
        )
        .order_by("-number")
    )
