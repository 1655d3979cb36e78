"""The editors' "Needs review" queue on the back office's home page."""

from __future__ import annotations

from django.db.models import QuerySet

from dastan.content.models import Article

# The home page lists this many; the link under it opens the whole filtered list.
QUEUE_LENGTH = 15


def review_queue() -> QuerySet[Article]:
    """Return the articles waiting for an editor, longest-waiting first."""
    return (
        Article.objects.filter(status=Article.Status.REVIEW)
        .select_related("created_by")
        .only("id", "title", "language", "updated_at", "created_by__username")
        .order_by("updated_at", "id")[:QUEUE_LENGTH]
    )
