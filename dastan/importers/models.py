"""What the importers remember between runs, so that importing again changes nothing."""

from __future__ import annotations

from django.db import models

from dastan.content.models import Article


class WordPressItem(models.Model):
    """One WordPress post brought in, keyed on its site and post id.

    ``content_hash`` covers everything the import writes for the post, so a
    re-import of an unchanged export writes nothing and a newer export
    rewrites only the posts that changed.
    """

    site = models.CharField(max_length=200, help_text="The blog's address without scheme.")
    wp_id = models.PositiveBigIntegerField()
    guid = models.CharField(max_length=500, blank=True, db_index=True)
    post_type = models.CharField(max_length=40, default="post")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="wordpress_items"
    )
    content_hash = models.CharField(max_length=40)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "wp_id"], name="wordpress_item_unique_post")
        ]

    def __str__(self) -> str:
        return f"{self.site} #{self.wp_id}"
